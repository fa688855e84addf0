// @ts-check
// The player of one camera's processed video: a WHEP client (POST /whep/<camera id> with the
// viewer token from the URL fragment, which browsers never send over the network), full window.
// Candidates are trickled to the session with PATCH; a camera that leaves or a link that drops
// is retried with backoff, so an OBS browser source picks the camera up again by itself. When
// CamLoop ends the call on purpose (its user disconnected the camera, quit, or replaced the viewer
// token), it says so on the 'control' data channel: the page stops, with a Play again button.
import { endMessage } from './shared/call-end.js';
/** Elements by id; which element each is, the e2e tests check. @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const cameraId = location.pathname.split('/').pop();
const token = new URLSearchParams(location.hash.slice(1)).get('t') ?? '';
/** The live WHEP session: its peer and resource URL (for PATCH and DELETE). */
let current = null;
let retryMs = 1000;
let retryTimer = null;

function show(state, text) {
  document.body.dataset.state = state;
  $('status').textContent = text;
}

async function whep(method, url, body, type) {
  const response = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(type && { 'Content-Type': type }) },
    body,
    keepalive: method === 'DELETE',
  });
  if (!response.ok) {
    const text = await response.text();
    let reason = text;
    try {
      reason = JSON.parse(text).error ?? text;
    } catch {
      // Not JSON: the body as it is.
    }
    throw Object.assign(new Error(reason || `HTTP ${response.status}`), { status: response.status });
  }
  return response;
}

async function connect() {
  const pc = new RTCPeerConnection();
  const session = { pc, location: null, pending: [], ufrag: null, ended: false };
  current = session;
  pc.addTransceiver('video', { direction: 'recvonly' });
  const control = pc.createDataChannel('control');
  control.addEventListener('message', (event) => {
    const end = endMessage(event.data);
    if (end) ended(session, end.reason);
  });
  pc.addEventListener('track', (event) => {
    $('video').srcObject = new MediaStream([event.track]);
    // CamLoop says goodbye (a DTLS close_notify) when the camera leaves: the transport closes at
    // once, while the connection state would only turn to disconnected ~8 s later.
    const transport = event.receiver.transport;
    transport?.addEventListener('statechange', () => {
      if (transport.state === 'closed' || transport.state === 'failed') retry(session, 'the camera left');
    });
  });
  pc.addEventListener('icecandidate', ({ candidate }) => {
    if (!candidate || !candidate.candidate) return;
    session.pending.push(candidate);
    if (session.location) void trickle(session);
  });
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected') {
      retryMs = 1000;
      show('playing', 'Playing');
    }
    if (pc.connectionState === 'failed' || pc.connectionState === 'closed') retry(session, 'connection lost');
    if (pc.connectionState === 'disconnected')
      setTimeout(() => pc.connectionState === 'disconnected' && retry(session, 'connection lost'), 3000);
  });
  await pc.setLocalDescription(await pc.createOffer());
  session.ufrag = pc.localDescription.sdp.match(/a=ice-ufrag:(\S+)/)?.[1];
  const response = await whep('POST', `/whep/${encodeURIComponent(cameraId)}`, pc.localDescription.sdp, 'application/sdp');
  session.location = new URL(response.headers.get('Location'), location.href).href;
  await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  void trickle(session);
}

/** Candidates found so far, in one sdpfrag (RFC 8840) per PATCH. */
async function trickle(session) {
  const candidates = session.pending.splice(0);
  if (candidates.length === 0 || session.ended) return;
  const lines = [
    `a=ice-ufrag:${session.ufrag}`,
    'm=video 9 UDP/TLS/RTP/SAVPF 0',
    `a=mid:${candidates[0].sdpMid ?? '0'}`,
    ...candidates.map((c) => `a=${c.candidate}`),
  ];
  await whep('PATCH', session.location, `${lines.join('\r\n')}\r\n`, 'application/trickle-ice-sdpfrag').catch(() => {});
}

function retry(session, why) {
  if (session.ended || current !== session) return;
  session.ended = true;
  session.pc.close();
  if (session.location) void whep('DELETE', session.location).catch(() => {});
  show('waiting', `${why}: trying again in ${Math.round(retryMs / 1000)} s`);
  retryTimer = setTimeout(start, retryMs);
  retryMs = Math.min(retryMs * 2, 10_000);
}

/** CamLoop ended this player's call: no trying again by itself. @param {string} [reason] */
function ended(session, reason) {
  session.ended = true;
  clearTimeout(retryTimer);
  session.pc.close();
  show('ended', reason === 'token' ? 'Ended by CamLoop: this link’s viewer token was replaced' : 'Ended by CamLoop');
  $('again').hidden = false;
}

function start() {
  $('again').hidden = true;
  connect().catch((error) => {
    if (error.status === 410) return ended(current);
    if (error.status === 401) {
      current.pc.close();
      return show('error', 'This link has no valid viewer token: copy it again from the CamLoop panel.');
    }
    const why = error.status === 404 ? 'camera not connected' : error.status === 409 ? 'camera not sending yet' : error.message;
    retry(current, why);
  });
}

window.addEventListener('pagehide', () => {
  if (current?.location && !current.ended) void whep('DELETE', current.location).catch(() => {});
});

$('again').addEventListener('click', () => {
  retryMs = 1000;
  start();
});

if (!token) show('error', 'Open this page from the link in the CamLoop panel (it carries the viewer token).');
else start();
