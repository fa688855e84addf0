// The camera page: sends this device's camera to CamLoop and shows what comes back.
// Plain ES module, no build step: it must load as-is on phones (Android Chrome, iOS Safari).

import { paramControls } from './shared/params.js';

const $ = (id) => document.getElementById(id);
const ui = { remote: $('remote'), local: $('local'), transform: $('transform'), params: $('params'), resolution: $('resolution'), codec: $('codec'), start: $('start'), stop: $('stop'), status: $('status'), results: $('results'), form: $('controls') };

let pc = null;
let stream = null;
/** The 'control' data channel: filter changes go to the server live, no new offer. */
let control = null;
let transforms = [];
const paramValues = {};

function setState(state, message) {
  document.body.dataset.state = state;
  ui.status.textContent = message;
}

async function loadTransforms() {
  const response = await fetch('api/transforms');
  transforms = await response.json();
  ui.transform.replaceChildren(...transforms.map((t) => new Option(t.label, t.id)));
  renderParams();
}

/** The chosen filter with its current params, as the server's chain format. */
function currentChain() {
  return [{ id: ui.transform.value, params: paramValues[ui.transform.value] ?? {} }];
}

/** One control per param of the chosen filter. */
function renderParams() {
  const transform = transforms.find((t) => t.id === ui.transform.value);
  const values = (paramValues[transform?.id] ??= {});
  ui.params.replaceChildren(...paramControls(transform?.params ?? [], values, sendChain));
}

function sendChain() {
  if (control?.readyState === 'open') control.send(JSON.stringify({ transform: currentChain() }));
}

function showInfo(message) {
  const data = JSON.parse(message.data);
  if (data.type === 'error') ui.results.textContent = `⚠ ${data.error}`;
  else if (data.info) ui.results.textContent = Object.keys(data.info.results).length ? JSON.stringify(data.info.results) : '';
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
    control = pc.createDataChannel('control');
    control.addEventListener('message', showInfo);
    // Results (face boxes, counts...) are polled over the same channel while connected.
    const poll = setInterval(() => (control?.readyState === 'open' ? control.send('{}') : null), 1000);
    control.addEventListener('close', () => clearInterval(poll));
    const transceiver = pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendrecv', streams: [stream] });
    preferCodec(transceiver, ui.codec.value);

    setState('connecting', 'Connecting…');
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc);
    const token = new URLSearchParams(location.search).get('t') ?? undefined;
    const response = await fetch('offer', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sdp: pc.localDescription.sdp, type: pc.localDescription.type, video_transform: currentChain(), token }),
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
  control?.close();
  control = null;
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
ui.transform.addEventListener('change', () => {
  renderParams();
  sendChain();
});
ui.stop.addEventListener('click', stop);
loadTransforms().catch((error) => setState('failed', `Cannot reach CamLoop: ${error.message}`));
