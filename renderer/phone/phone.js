// @ts-check
// The camera page: sends this device's camera to CamLoop and shows what comes back.
// Plain ES module, no build step: it must load as-is on phones (Android Chrome, iOS Safari).
import { FrameRateFollower } from './shared/frame-rate-follower.js';
import { paramControls, transformOption } from './shared/params.js';
import { waitForIceGathering } from './shared/ice-gathering.js';
import { showResults } from './shared/results-view.js';
import { StatsOverlay } from './shared/stats-overlay.js';
import { deviceId, fetchIceServers, preferCodec } from './call-setup.js';

/** Elements by id; which element each is, the e2e tests check. @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const ui = {
  remote: $('remote'),
  local: $('local'),
  transform: $('transform'),
  params: $('params'),
  resolution: $('resolution'),
  codec: $('codec'),
  start: $('start'),
  stop: $('stop'),
  flip: $('flip'),
  fullscreen: $('fullscreen'),
  status: $('status'),
  results: $('results'),
  form: $('controls'),
  again: $('again'),
};
const overlay = new StatsOverlay($('stats-toggle'), $('stats'));

let pc = null;
let stream = null;
/** The 'control' data channel: filter changes go to the server live, no new offer. */
let control = null;
let transforms = [];
const paramValues = {};
/** 'user' (front) or 'environment' (back): phones start on the front camera. */
let facing = 'user';
/** True from Start to Stop: a dropped connection is re-established while it holds. */
let running = false;
let reconnectDelay = 1000;
let reconnectTimer = null;
/** The server's id of our last session: a reconnection's offer replaces it. */
let sessionId = null;
const token = new URLSearchParams(location.search).get('t') ?? undefined;
/** Gathering waits no longer for a TURN server that does not answer (UDP blocked, say). */
const GATHERING_CAP_MS = 3000;
/** A request lost with the network is given up, and retried, after this long. */
const REQUEST_TIMEOUT_MS = 8000;
const CONNECT_TIMEOUT_MS = 10_000;

function setState(state, message) {
  document.body.dataset.state = state;
  ui.status.textContent = message;
}

async function loadTransforms() {
  const response = await fetch('api/transforms');
  /** @type {TransformInfo[]} */
  const list = await response.json();
  transforms = list;
  ui.transform.replaceChildren(...transforms.map(transformOption));
  renderParams();
}

/**
 * The chain the server applies, as it last said (the panel may have changed it): a reconnection
 * after a network drop asks for it again, so the filter and its parameters survive the drop.
 */
let serverChain = null;

/** The user picked a filter on this page: offers ask for it, not for the one CamLoop remembers for this camera. */
let chosen = false;

/** The chosen filter with its current params, as the server's chain format. */
function currentChain() {
  return [{ id: ui.transform.value, params: paramValues[ui.transform.value] ?? {} }];
}

/** Shows the server's chain (its first stage: the page picks one filter) in the dropdown and controls. */
function followChain(chain) {
  if (JSON.stringify(chain) === JSON.stringify(serverChain)) return;
  serverChain = chain;
  const first = chain[0];
  if (!first || !transforms.some((t) => t.id === first.id)) return;
  if (ui.transform.value === first.id && JSON.stringify(paramValues[first.id] ?? {}) === JSON.stringify(first.params ?? {})) return;
  ui.transform.value = first.id;
  paramValues[first.id] = { ...first.params };
  renderParams();
}

/** One control per param of the chosen filter. */
function renderParams() {
  const transform = transforms.find((t) => t.id === ui.transform.value);
  const values = (paramValues[transform?.id] ??= {});
  ui.params.replaceChildren(...paramControls(transform?.params ?? [], values, sendChain));
}

function sendChain() {
  chosen = true;
  serverChain = currentChain();
  if (control?.readyState === 'open') control.send(JSON.stringify({ transform: currentChain() }));
  // A new filter may be faster or slower: start again from the camera's full frame rate.
  follower.set(null);
}

/** @typedef {import('../shared/api-types').SessionInfo} SessionInfo */
/** @typedef {import('../shared/api-types').TransformInfo} TransformInfo */
/** @typedef {import('../shared/api-types').ResultEvent} ResultEvent */

/** What the filters found: the session info's (each second), updated by each result pushed as it comes. */
const found = { transform: [], results: {}, models: [] };

/** The control channel's answers, and results pushed. @param {MessageEvent} message */
function showInfo(message) {
  /** @typedef {{type: 'error' | 'end', error?: string, info?: undefined}} Said */
  /** @type {Said | {type: 'info', info: SessionInfo, error?: undefined} | {type: 'result', event: ResultEvent, info?: undefined}} */
  const data = JSON.parse(message.data);
  if (data.type === 'end') return ended();
  if (data.type === 'error') ui.results.textContent = `⚠ ${data.error}`;
  else if (data.type === 'result') found.results[data.event.id] = data.event.results;
  else if (data.info) {
    overlay.show(data.info.rates);
    if (Array.isArray(data.info.transform)) followChain(data.info.transform);
    Object.assign(found, { transform: data.info.transform, results: data.info.results, models: data.info.models });
    follower.follow(data.info);
  }
  if (data.type !== 'error') showResults(ui.results, found, transforms);
}

/** The current call's video sender, whose frame rate the follower sets. */
let videoSender = null;
const follower = new FrameRateFollower((fps) => void applyMaxFramerate(fps));

async function applyMaxFramerate(fps) {
  if (!videoSender) return;
  const parameters = videoSender.getParameters();
  for (const encoding of parameters.encodings ?? []) {
    if (fps === null) delete encoding.maxFramerate;
    else encoding.maxFramerate = fps;
  }
  await videoSender.setParameters(parameters).catch(() => {});
}

async function openCamera() {
  const [width, height] = ui.resolution.value.split('x').map(Number);
  const next = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: 30 }, facingMode: { ideal: facing } },
  });
  stream?.getTracks().forEach((t) => t.stop());
  stream = next;
  ui.local.srcObject = stream;
  ui.local.classList.toggle('mirrored', facing === 'user');
}

/** Swaps the camera (front/back, or a new size) on the running call: replaceTrack, no new offer. */
async function switchCamera() {
  await openCamera();
  const sender = pc?.getSenders().find((s) => s.track?.kind === 'video' || s.track === null);
  await sender?.replaceTrack(stream.getVideoTracks()[0]);
}

async function connect() {
  const iceServers = await fetchIceServers(token, REQUEST_TIMEOUT_MS);
  pc = new RTCPeerConnection({ iceServers });
  const connection = pc;
  connection.addEventListener('track', (e) => {
    ui.remote.srcObject = e.streams[0] ?? new MediaStream([e.track]);
  });
  connection.addEventListener('connectionstatechange', () => onConnectionState(connection));
  control = connection.createDataChannel('control');
  control.addEventListener('message', showInfo);
  // The filter CamLoop gives this camera (a remembered one, say) shows at once, not at the first poll.
  control.addEventListener('open', () => control?.send('{}'));
  // Results (face boxes, counts...) are polled over the same channel while connected.
  const poll = setInterval(() => (control?.readyState === 'open' ? control.send('{}') : null), 1000);
  control.addEventListener('close', () => clearInterval(poll));
  const transceiver = connection.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendrecv', streams: [stream] });
  preferCodec(transceiver, ui.codec.value);
  // Filters want the pixels: under CPU or bandwidth pressure, drop frames rather than resolution.
  const parameters = transceiver.sender.getParameters();
  await transceiver.sender.setParameters({ ...parameters, degradationPreference: 'maintain-resolution' }).catch(() => {});
  videoSender = transceiver.sender;
  follower.start();

  setState('connecting', 'Connecting…');
  await connection.setLocalDescription(await connection.createOffer());
  await waitForIceGathering(connection, GATHERING_CAP_MS);
  const { sdp, type } = connection.localDescription;
  const response = await fetch('offer', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    // No filter asked for: CamLoop gives this camera the one it remembers (or none).
    body: JSON.stringify({
      sdp,
      type,
      video_transform: serverChain ?? (chosen ? currentChain() : undefined),
      device: { id: deviceId(), facing },
      token,
      ...(sessionId && { replaces: sessionId }),
    }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const answer = await response.json();
  if (!response.ok) throw Object.assign(new Error(answer.error ?? `server answered ${response.status}`), { status: response.status });
  sessionId = answer.id;
  if (Array.isArray(answer.transform)) followChain(answer.transform);
  await connection.setRemoteDescription(answer);
  // ICE that never completes (a path that broke while connecting) is a drop too.
  setTimeout(
    () => connection === pc && connection.connectionState !== 'connected' && scheduleReconnect('Not connected after 10 s'),
    CONNECT_TIMEOUT_MS,
  );
}

function onConnectionState(connection) {
  if (connection !== pc) return;
  const state = connection.connectionState;
  if (state === 'connected') {
    reconnectDelay = 1000;
    setState('connected', 'Connected');
  } else if (state === 'failed' || state === 'disconnected' || state === 'closed') {
    scheduleReconnect(`Connection ${state}`);
  }
}

/** A network blip: a new call with the same camera, backing off from 1 s to 10 s. */
function scheduleReconnect(reason) {
  if (!running || reconnectTimer) return;
  setState('reconnecting', `${reason}: reconnecting in ${Math.round(reconnectDelay / 1000)} s…`);
  reconnectTimer = setTimeout(async () => {
    reconnectTimer = null;
    hangUp();
    try {
      await connect();
    } catch (error) {
      // CamLoop ended this call (and its message was lost): as if it had arrived.
      if (error.status === 410) return ended();
      // Unpaired (401) or a bad request will not get better by retrying.
      if (error.status >= 400 && error.status < 500) return fail(error);
      scheduleReconnect(`Could not reconnect (${error.message})`);
    }
  }, reconnectDelay);
  reconnectDelay = Math.min(10_000, reconnectDelay * 2);
}

async function start(event) {
  event.preventDefault();
  ui.start.disabled = true;
  ui.again.hidden = true;
  running = true;
  setState('starting', 'Starting camera…');
  try {
    sessionId = null;
    serverChain = null;
    await openCamera();
    await connect();
    ui.stop.disabled = false;
  } catch (error) {
    fail(error);
  }
}

/** CamLoop ended the call (its user disconnected it, or quit): the page does not call back by itself. */
function ended() {
  stop();
  setState('ended', 'Ended by CamLoop');
  ui.again.hidden = false;
}

function fail(error) {
  stop();
  setState('failed', `Could not start: ${error.message}`);
}

function hangUp() {
  control?.close();
  control = null;
  pc?.close();
  pc = null;
}

function stop() {
  running = false;
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  hangUp();
  stream?.getTracks().forEach((t) => t.stop());
  stream = null;
  ui.remote.srcObject = null;
  ui.local.srcObject = null;
  ui.start.disabled = false;
  ui.stop.disabled = true;
  setState('idle', 'Stopped');
}

function enterFullscreen() {
  // iOS Safari only full-screens <video> elements, through its own API.
  if (ui.remote.requestFullscreen) ui.remote.requestFullscreen().catch(() => {});
  else ui.remote.webkitEnterFullscreen?.();
}

ui.form.addEventListener('submit', start);
ui.transform.addEventListener('change', () => {
  renderParams();
  sendChain();
});
ui.flip.addEventListener('click', () => {
  facing = facing === 'user' ? 'environment' : 'user';
  if (stream) switchCamera().catch((error) => setState('failed', `Cannot switch camera: ${error.message}`));
  // CamLoop remembers a filter per camera: the other one's comes back.
  if (control?.readyState === 'open') control.send(JSON.stringify({ facing }));
});
ui.resolution.addEventListener('change', () => stream && switchCamera().catch((error) => setState('failed', error.message)));
ui.fullscreen.addEventListener('click', enterFullscreen);
ui.stop.addEventListener('click', stop);
ui.again.addEventListener('click', start);
loadTransforms().catch((error) => setState('failed', `Cannot reach CamLoop: ${error.message}`));
