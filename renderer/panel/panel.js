// @ts-check
// The control panel: pairing QR code, connected cameras with live stats and graphs, a filter per
// camera (applied live, and following changes made elsewhere), recording and hang-up. It talks to
// the core's loopback-only API with the control token that the app puts in the URL fragment (never
// sent over the network by the browser), and follows the core's event stream (no polling).
import { paramControls, transformOption } from './shared/params.js';
import { showResults } from './shared/results-view.js';
import { followEventStream } from './event-stream.js';
import { AppGraph, CameraGraphs } from './graphs.js';
import { loadPairing, showPairing, viewerLink } from './pairing.js';
import { preview, showPreview, stopPreview } from './preview.js';
import { setUpSettings } from './settings.js';

/** @typedef {import('../shared/api-types').SessionInfo} SessionInfo */
/** @typedef {import('../shared/api-types').TransformInfo} TransformInfo */
/** @typedef {import('../shared/api-types').AdmissionInfo} AdmissionInfo */
/** @typedef {import('../shared/api-types').FeedSnapshot} FeedSnapshot */

/** Elements by id; which element each is, the e2e tests check. @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const cards = new Map();
/** @type {TransformInfo[]} */
let transforms = [];
/** Each camera's figures of the last minute, from the stream's snapshot: its graphs start from them. */
let history = {};
/** After a change made here, the stream's older chains are ignored until it carries this one back, or for this long. */
const ECHO_WAIT_MS = 2000;

async function api(path, init = {}) {
  const response = await fetch(path, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

/** A camera's card is built once; only its stats, results and errors are refreshed each second. */
/** @param {SessionInfo} info */
function card(info) {
  let entry = cards.get(info.id);
  if (entry) return entry;
  const root = document.createElement('div');
  root.className = 'camera';
  root.dataset.id = info.id;
  // A phone's viewer link names the phone: it plays again when the phone calls again, after a restart too.
  root.dataset.viewerId = info.device?.id ?? info.id;
  const title = document.createElement('h3');
  const select = document.createElement('select');
  select.className = 'transform';
  select.append(...transforms.map(transformOption));
  select.value = info.transform[0]?.id ?? 'none';
  const params = document.createElement('span');
  params.className = 'params';
  const values = { ...(info.transform[0]?.params ?? {}) };
  const apply = () => {
    entry.sent = { id: select.value, params: { ...values }, until: performance.now() + ECHO_WAIT_MS };
    api(`/api/sessions/${info.id}/transform`, { method: 'PUT', body: JSON.stringify([{ id: select.value, params: values }]) }).catch(
      showError,
    );
  };
  const renderParams = () =>
    params.replaceChildren(...paramControls(transforms.find((t) => t.id === select.value)?.params ?? [], values, apply));
  /** The filter set elsewhere (the phone, the API, a restored setting) shows here too. @param {SessionInfo['transform']} chain */
  const follow = ([first]) => {
    if (entry.sent) {
      // Events already on their way carry the chain before ours; ours coming back (defaults filled in) ends the wait.
      const { id, params: sent } = entry.sent;
      const ours = first?.id === id && Object.entries(sent).every(([key, value]) => first.params?.[key] === value);
      if (ours || performance.now() > entry.sent.until) entry.sent = null;
      if (ours || entry.sent) return;
    }
    if (!first) return;
    if (select.value === first.id && JSON.stringify(values) === JSON.stringify(first.params ?? {})) return;
    select.value = first.id;
    for (const key of Object.keys(values)) delete values[key];
    Object.assign(values, first.params);
    renderParams();
  };
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
      (body) => showRecording(entry, body.recording ?? null),
      showError,
    ),
  );
  const watch = document.createElement('button');
  watch.className = 'preview';
  watch.textContent = 'Preview';
  watch.addEventListener('click', () => showPreview(info.id, api).catch(showError));
  const viewer = document.createElement('a');
  viewer.className = 'viewer';
  viewer.textContent = 'Viewer link';
  viewer.title = 'A player page of the processed video (WHEP): open it, or paste it into an OBS browser source';
  viewer.target = '_blank';
  viewer.rel = 'noopener';
  viewer.href = viewerLink(root.dataset.viewerId);
  const hangUp = document.createElement('button');
  hangUp.className = 'disconnect';
  hangUp.textContent = 'Disconnect';
  hangUp.addEventListener('click', () => api(`/api/sessions/${info.id}`, { method: 'DELETE' }).catch(showError));
  const stats = document.createElement('div');
  stats.className = 'stats';
  const results = document.createElement('div');
  results.className = 'results';
  const errors = document.createElement('div');
  errors.className = 'errors';
  const graphs = document.createElement('div');
  graphs.className = 'graphs';
  root.append(title, select, params, quality, record, watch, viewer, hangUp, stats, results, errors, graphs);
  $('cameras').append(root);
  entry = { root, title, record, stats, results, errors, follow, sent: null, graphs: new CameraGraphs(graphs, history[info.id]) };
  cards.set(info.id, entry);
  return entry;
}

/**
 * What the session's guards did, the counts that are not zero (a peer sending too much or broken video).
 * @param {SessionInfo['guard']} g
 */
function guardSummary(g) {
  /** @type {[number, string][]} */
  const parts = [
    [g.packetsDropped, `packets over budget (${(g.bytesDropped / 1e6).toFixed(1)} MB)`],
    [g.oversizedFrames, 'frames too large'],
    [g.malformedFrames, 'malformed frames'],
    [g.framesShed, 'frames not decoded'],
    [g.decodeErrors, 'undecodable frames'],
    [g.workerRestarts, 'worker restarts'],
    [g.keyframeRequestsMerged, 'keyframe requests merged'],
    [g.retransmissionsRefused, 'resends refused'],
  ];
  const happened = parts.filter(([n]) => n > 0);
  return happened.length ? ` · guarded: ${happened.map(([n, what]) => `${n} ${what}`).join(', ')}` : '';
}

/** @param {SessionInfo} info */
function update(info) {
  const entry = card(info);
  entry.follow(info.transform);
  /** @type {Partial<NonNullable<SessionInfo['stats']>>} Before the first frame: none yet. */
  const s = info.stats ?? {};

  const { fpsIn = 0, fpsOut = 0, msPerFrame: ms = 0 } = info.rates ?? {};
  const from = info.source === 'whip' ? 'WHIP ' : '';
  const viewers = info.viewers ? ` · ${info.viewers} viewer${info.viewers === 1 ? '' : 's'}` : '';
  entry.title.textContent = `${from}Camera ${info.id.slice(0, 8)}${viewers} · ${info.codec ?? '…'} · ${s.width ?? 0}×${s.height ?? 0} · ${info.connectionState}`;
  if (s.width) entry.root.dataset.width = String(s.width);
  const mbps = (bps) => `${(bps / 1e6).toFixed(2)} Mbps`;
  const rtt = info.network.rttMs === null ? '' : ` · RTT ${info.network.rttMs.toFixed(0)} ms`;
  const link = info.bitrate?.estimate ? ` · link ${mbps(info.bitrate.estimate)}` : '';
  const why = s.scaledFor === 'cpu' ? 'filter too slow for full size on this machine' : 'link too slow for full size';
  const scaled = s.sentWidth && !info.forwarding && s.sentWidth !== s.width ? ` at ${s.sentWidth}×${s.sentHeight} (${why})` : '';
  const encoder = s.encoderBitrate ? ` · encoder ${mbps(s.encoderBitrate)}${scaled}` : '';
  // The machine is shared by more cameras than it can serve at their full rate: each is asked to send its share.
  const asked = info.sendFps === null ? '' : ` (asked for ${info.sendFps} fps: its share of this machine)`;
  entry.stats.textContent = `in ${fpsIn.toFixed(1)} fps ${mbps(info.network.receivedBps)}${asked} · out ${fpsOut.toFixed(1)} fps ${mbps(info.network.sentBps)}${rtt}${link}${encoder} · ${info.forwarding ? 'forwarding untouched' : `processing ${ms.toFixed(1)} ms/frame`} · dropped ${s.dropped ?? 0}${s.skipped ? ` (${s.skipped} over the link)` : ''}${guardSummary(info.guard)}`;
  showResults(entry.results, info, transforms);
  entry.errors.textContent = info.errors.at(-1) ?? '';
  showRecording(entry, info.recording);
}

function showRecording(entry, file) {
  entry.record.textContent = file ? 'Stop recording' : 'Record';
  entry.record.classList.toggle('recording', Boolean(file));
  entry.record.title = file ?? 'Record the processed video to your recordings folder';
}

/** The cameras now: each one's card updated, the cards of those gone removed. @param {SessionInfo[]} sessions */
function showCameras(sessions) {
  for (const info of sessions) update(info);
  for (const [id, entry] of cards) if (!sessions.some((s) => s.id === id)) removeCard(id, entry);
  showCount();
}

function removeCard(id, entry) {
  entry.graphs.remove();
  entry.root.remove();
  cards.delete(id);
  if (preview.id === id) stopPreview();
  showCount();
}

function showCount() {
  $('empty').hidden = cards.size > 0;
  // The first camera to arrive is previewed without a click.
  const first = [...cards.values()][0];
  if (!preview.id && first?.root.dataset.width) showPreview(first.root.dataset.id, api).catch(showError);
  $('status').textContent = `${cards.size} camera${cards.size === 1 ? '' : 's'}`;
}

/** A phone turned away in the last minute (the machine was at capacity), and why: the phone shows the same words. */
function showRefusal(/** @type {AdmissionInfo | null} */ admission) {
  const last = admission?.refusals.at(-1);
  const recent = last && Date.now() - last.at < 60_000;
  $('refused').hidden = !recent;
  if (recent) $('refused').textContent = `A phone was turned away ${Math.round((Date.now() - last.at) / 1000)} s ago: ${last.reason}.`;
}

/** The core's stream: a snapshot, each camera as it comes or changes, every camera's figures each second. */
function onEvent(type, data) {
  if (type === 'hello') {
    /** @type {FeedSnapshot} */ const snapshot = data;
    history = snapshot.history;
    for (const [id, entry] of cards) removeCard(id, entry);
    appGraph?.chart.remove();
    appGraph = new AppGraph($('app-graph'), snapshot.app);
    showCameras(snapshot.sessions);
  } else if (type === 'session') update(data.info);
  else if (type === 'removed' && cards.has(data.id)) removeCard(data.id, cards.get(data.id));
  else if (type === 'stats') {
    showCameras(data.sessions);
    for (const info of data.sessions) if (info.rates) cards.get(info.id)?.graphs.push(info.rates);
    appGraph?.push(data.app);
    // Refusals are not in the stream: asked for with each second's figures.
    api('/api/admission').then(showRefusal, showError);
  }
}

/** @type {AppGraph | undefined} */
let appGraph;

function showError(error) {
  $('status').textContent = `⚠ ${error.message}`;
}

async function main() {
  transforms = await (await fetch('/api/transforms')).json();
  await loadPairing(api);
  $('address').addEventListener('change', showPairing);
  $('copy').addEventListener('click', () => navigator.clipboard?.writeText($('phone-url').textContent));
  await setUpSettings(api, (path, init) => loadPairing(api, path, init));
  followEventStream('/api/events', token, onEvent, showError);
}

main().catch(showError);
