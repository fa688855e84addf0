// The camera page: sends this device's camera to CamLoop and shows what comes back.
// Plain ES module, no build step: it must load as-is on phones (Android Chrome, iOS Safari).

const $ = (id) => document.getElementById(id);
const ui = { remote: $('remote'), local: $('local'), transform: $('transform'), resolution: $('resolution'), codec: $('codec'), start: $('start'), stop: $('stop'), status: $('status'), form: $('controls') };

let pc = null;
let stream = null;

function setState(state, message) {
  document.body.dataset.state = state;
  ui.status.textContent = message;
}

async function loadTransforms() {
  const response = await fetch('api/transforms');
  const transforms = await response.json();
  ui.transform.replaceChildren(...transforms.map((t) => new Option(t.label, t.id)));
}

function waitForIceGathering(connection) {
  if (connection.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (connection.iceGatheringState !== 'complete') return;
      connection.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    connection.addEventListener('icegatheringstatechange', check);
  });
}

function preferCodec(transceiver, mimeType) {
  if (mimeType === 'default' || !RTCRtpSender.getCapabilities) return;
  const codecs = RTCRtpSender.getCapabilities('video').codecs;
  const preferred = codecs.filter((c) => c.mimeType === `video/${mimeType}`);
  const rest = codecs.filter((c) => c.mimeType !== `video/${mimeType}`);
  transceiver.setCodecPreferences([...preferred, ...rest]);
}

async function start(event) {
  event.preventDefault();
  ui.start.disabled = true;
  setState('starting', 'Starting camera…');
  try {
    const [width, height] = ui.resolution.value.split('x').map(Number);
    stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: 30 } } });
    ui.local.srcObject = stream;

    pc = new RTCPeerConnection();
    pc.addEventListener('track', (e) => {
      ui.remote.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    });
    pc.addEventListener('connectionstatechange', () => {
      const state = pc?.connectionState;
      if (state === 'connected') setState('connected', 'Connected');
      else if (state === 'failed' || state === 'disconnected') setState('failed', `Connection ${state}`);
    });
    const transceiver = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendrecv', streams: [stream] });
    preferCodec(transceiver, ui.codec.value);

    setState('connecting', 'Connecting…');
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc);
    const response = await fetch('offer', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sdp: pc.localDescription.sdp, type: pc.localDescription.type, video_transform: ui.transform.value }),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error ?? `server answered ${response.status}`);
    await pc.setRemoteDescription(answer);
    ui.stop.disabled = false;
  } catch (error) {
    stop();
    setState('failed', `Could not start: ${error.message}`);
  }
}

function stop() {
  pc?.close();
  pc = null;
  stream?.getTracks().forEach((t) => t.stop());
  stream = null;
  ui.remote.srcObject = null;
  ui.local.srcObject = null;
  ui.start.disabled = false;
  ui.stop.disabled = true;
  setState('idle', 'Stopped');
}

ui.form.addEventListener('submit', start);
ui.stop.addEventListener('click', stop);
loadTransforms().catch((error) => setState('failed', `Cannot reach CamLoop: ${error.message}`));
