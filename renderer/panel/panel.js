// @ts-check
// The control panel: pairing QR code, connected cameras with live stats, a filter per camera
// (applied live), recording and hang-up. It talks to the core's loopback-only API with the control
// token that the app puts in the URL fragment (never sent over the network by the browser).
import { paramControls, transformOption } from './shared/params.js';
import { waitForIceGathering } from './shared/ice-gathering.js';
import { showResults } from './shared/results-view.js';

/** @typedef {import('../shared/api-types').SessionInfo} SessionInfo */
/** @typedef {import('../shared/api-types').TransformInfo} TransformInfo */
/** @typedef {import('../shared/api-types').PairingInfo} PairingInfo */
/** @typedef {import('../shared/api-types').AdmissionInfo} AdmissionInfo */

/** Elements by id; which element each is, the e2e tests check. @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const cards = new Map();
/** @type {TransformInfo[]} */
let transforms = [];
/** @type {PairingInfo | null} */
let pairing = null;
/**
 * The camera shown in the preview, and the receive-only connection that shows it.
 * @type {{id: string | null, pc: RTCPeerConnection | null}}
 */
let preview = { id: null, pc: null };

async function api(path, init = {}) {
  const response = await fetch(path, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

function showPairing() {
  const choice = pairing.urls.find((u) => u.address === $('address').value) ?? pairing.urls[0];
  $('lan-hint').hidden = pairing.reachable && pairing.urls.length > 0;
  $('cert-hint').hidden = pairing.scheme !== 'https';
  for (const link of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('a.viewer')))
    link.href = viewerLink(/** @type {HTMLElement} */ (link.closest('.camera')).dataset.id);
  if (!choice) {
    $('whip-url').textContent = pairing.whipUrl;
    $('whip-token').textContent = pairing.token;
    return;
  }
  $('qr').src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(choice.qrSvg)}`;
  $('phone-url').textContent = choice.url;
  $('whip-url').textContent = pairing.reachable ? choice.whipUrl : pairing.whipUrl;
  $('whip-token').textContent = pairing.token;
}

async function loadPairing(path = '/api/pairing', init) {
  pairing = await api(path, init);
  const selected = $('address').value;
  $('address').replaceChildren(...pairing.urls.map((u) => new Option(`${u.address} (${u.interface})`, u.address)));
  if (selected) $('address').value = selected;
  showPairing();
}

/** A camera's card is built once; only its stats, results and errors are refreshed each second. */
/** @param {SessionInfo} info */
function card(info) {
  let entry = cards.get(info.id);
  if (entry) return entry;
  const root = document.createElement('div');
  root.className = 'camera';
  root.dataset.id = info.id;
  const title = document.createElement('h3');
  const select = document.createElement('select');
  select.className = 'transform';
  select.append(...transforms.map(transformOption));
  select.value = info.transform[0]?.id ?? 'none';
  const params = document.createElement('span');
  params.className = 'params';
  const values = { ...(info.transform[0]?.params ?? {}) };
  const apply = () =>
    api(`/api/sessions/${info.id}/transform`, { method: 'PUT', body: JSON.stringify([{ id: select.value, params: values }]) }).catch(
      showError,
    );
  const renderParams = () =>
    params.replaceChildren(...paramControls(transforms.find((t) => t.id === select.value)?.params ?? [], values, apply));
  select.addEventListener('change', () => {
    for (const key of Object.keys(values)) delete values[key];
    renderParams();
    apply();
  });
  renderParams();
  const quality = document.createElement('select');
  quality.className = 'max-bitrate';
  quality.title = 'Ceiling for the bitrate of the video sent back (Auto: what the link and the picture size allow)';
  quality.append(
    new Option('Auto bitrate', ''),
    ...[0.25, 0.5, 1, 2, 4, 8].map((mbps) => new Option(`≤ ${mbps} Mbps`, String(mbps * 1e6))),
  );
  quality.value = info.bitrate?.max ? String(info.bitrate.max) : '';
  quality.addEventListener('change', () =>
    api(`/api/sessions/${info.id}/max-bitrate`, {
      method: 'PUT',
      body: JSON.stringify({ maxBitrate: quality.value ? Number(quality.value) : null }),
    }).catch(showError),
  );
  const record = document.createElement('button');
  record.className = 'record';
  record.addEventListener('click', () =>
    api(`/api/sessions/${info.id}/recording`, { method: record.classList.contains('recording') ? 'DELETE' : 'POST' }).then(
      refresh,
      showError,
    ),
  );
  const watch = document.createElement('button');
  watch.className = 'preview';
  watch.textContent = 'Preview';
  watch.addEventListener('click', () => showPreview(info.id).catch(showError));
  const viewer = document.createElement('a');
  viewer.className = 'viewer';
  viewer.textContent = 'Viewer link';
  viewer.title = 'A player page of the processed video (WHEP): open it, or paste it into an OBS browser source';
  viewer.target = '_blank';
  viewer.rel = 'noopener';
  viewer.href = viewerLink(info.id);
  const hangUp = document.createElement('button');
  hangUp.className = 'disconnect';
  hangUp.textContent = 'Disconnect';
  hangUp.addEventListener('click', () => api(`/api/sessions/${info.id}`, { method: 'DELETE' }).then(refresh, showError));
  const stats = document.createElement('div');
  stats.className = 'stats';
  const results = document.createElement('div');
  results.className = 'results';
  const errors = document.createElement('div');
  errors.className = 'errors';
  root.append(title, select, params, quality, record, watch, viewer, hangUp, stats, results, errors);
  $('cameras').append(root);
  entry = { root, title, record, stats, results, errors, last: null };
  cards.set(info.id, entry);
  return entry;
}

/** @param {SessionInfo} info @param {number} now */
function update(info, now) {
  const entry = card(info);
  const s = info.stats ?? {
    framesIn: 0,
    framesOut: 0,
    dropped: 0,
    skipped: 0,
    recoded: 0,
    width: 0,
    height: 0,
    encoderBitrate: 0,
    sentWidth: 0,
    sentHeight: 0,
    workWidth: 0,
    workHeight: 0,
    timings: { decodeMs: 0, transformMs: 0, encodeMs: 0 },
  };
  const rate = (key, value) => (entry.last ? ((value - entry.last[key]) * 1000) / (now - entry.last.at) : 0);
  const fpsIn = rate('framesIn', s.framesIn);
  const fpsOut = rate('framesSent', info.framesSent);
  entry.last = { at: now, framesIn: s.framesIn, framesSent: info.framesSent };
  const ms = s.timings.decodeMs + s.timings.transformMs + s.timings.encodeMs;
  const from = info.source === 'whip' ? 'WHIP ' : '';
  const viewers = info.viewers ? ` · ${info.viewers} viewer${info.viewers === 1 ? '' : 's'}` : '';
  entry.title.textContent = `${from}Camera ${info.id.slice(0, 8)}${viewers} · ${info.codec ?? '…'} · ${s.width}×${s.height} · ${info.connectionState}`;
  const mbps = (bps) => `${(bps / 1e6).toFixed(2)} Mbps`;
  const rtt = info.network.rttMs === null ? '' : ` · RTT ${info.network.rttMs.toFixed(0)} ms`;
  const link = info.bitrate?.estimate ? ` · link ${mbps(info.bitrate.estimate)}` : '';
  const why = s.scaledFor === 'cpu' ? 'filter too slow for full size on this machine' : 'link too slow for full size';
  const scaled = s.sentWidth && !info.forwarding && s.sentWidth !== s.width ? ` at ${s.sentWidth}×${s.sentHeight} (${why})` : '';
  const encoder = s.encoderBitrate ? ` · encoder ${mbps(s.encoderBitrate)}${scaled}` : '';
  entry.stats.textContent = `in ${fpsIn.toFixed(1)} fps ${mbps(info.network.receivedBps)} · out ${fpsOut.toFixed(1)} fps ${mbps(info.network.sentBps)}${rtt}${link}${encoder} · ${info.forwarding ? 'forwarding untouched' : `processing ${ms.toFixed(1)} ms/frame`} · dropped ${s.dropped}${s.skipped ? ` (${s.skipped} over the link)` : ''}`;
  showResults(entry.results, info, transforms);
  entry.errors.textContent = info.errors.at(-1) ?? '';
  entry.record.textContent = info.recording ? 'Stop recording' : 'Record';
  entry.record.classList.toggle('recording', Boolean(info.recording));
  entry.record.title = info.recording ?? 'Record the processed video to your Videos folder';
}

/** The camera's player page, with the viewer token in the fragment (never sent over the network). */
function viewerLink(id) {
  return `${location.origin}/view/${id}#t=${encodeURIComponent(pairing?.viewerToken ?? '')}`;
}

/** Receives the camera's processed stream as another WebRTC peer of the core (no second encode). */
async function showPreview(id) {
  preview.pc?.close();
  const pc = new RTCPeerConnection();
  preview = { id, pc };
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addEventListener('track', (event) => {
    $('preview').srcObject = new MediaStream([event.track]);
    $('preview').hidden = false;
  });
  await pc.setLocalDescription(await pc.createOffer());
  await waitForIceGathering(pc);
  const answer = await api(`/api/sessions/${id}/preview`, {
    method: 'POST',
    body: JSON.stringify({ type: 'offer', sdp: pc.localDescription.sdp }),
  });
  await pc.setRemoteDescription(answer);
  for (const [cardId, entry] of cards) entry.root.classList.toggle('previewing', cardId === id);
}

function stopPreview() {
  preview.pc?.close();
  preview = { id: null, pc: null };
  $('preview').srcObject = null;
  $('preview').hidden = true;
}

async function refresh() {
  /** @type {SessionInfo[]} */
  const sessions = await api('/api/sessions');
  const now = performance.now();
  for (const info of sessions) update(info, now);
  for (const [id, entry] of cards) {
    if (!sessions.some((s) => s.id === id)) {
      entry.root.remove();
      cards.delete(id);
    }
  }
  $('empty').hidden = sessions.length > 0;
  if (preview.id && !cards.has(preview.id)) stopPreview();
  // The first camera to arrive is previewed without a click.
  if (!preview.id && sessions[0]?.stats?.width) showPreview(sessions[0].id).catch(showError);
  $('status').textContent = `${sessions.length} camera${sessions.length === 1 ? '' : 's'}`;
  showRefusal(await api('/api/admission'));
}

/** A phone turned away in the last minute (the machine was at capacity), and why: the phone shows the same words. */
function showRefusal(/** @type {AdmissionInfo | null} */ admission) {
  const last = admission?.refusals.at(-1);
  const recent = last && Date.now() - last.at < 60_000;
  $('refused').hidden = !recent;
  if (recent) $('refused').textContent = `A phone was turned away ${Math.round((Date.now() - last.at) / 1000)} s ago: ${last.reason}.`;
}

function showError(error) {
  $('status').textContent = `⚠ ${error.message}`;
}

async function main() {
  transforms = await (await fetch('/api/transforms')).json();
  await loadPairing();
  $('address').addEventListener('change', showPairing);
  $('copy').addEventListener('click', () => navigator.clipboard?.writeText($('phone-url').textContent));
  $('rotate').addEventListener('click', () => loadPairing('/api/pairing/rotate', { method: 'POST' }).catch(showError));
  await refresh();
  setInterval(() => refresh().catch(showError), 1000);
}

main().catch(showError);
