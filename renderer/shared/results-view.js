// @ts-check
// What each filter of a camera found, one line a filter: a model's rate and age beside its name,
// then counts of what the drawable schema holds and the filter's own values. Shared by the camera
// page (results pushed over its data channel) and the panel (the session info it polls).

/** @typedef {import('./api-types').ModelInfo} ModelInfo */
/** @typedef {import('./api-types').TransformInfo} TransformInfo */

/** The schema's lists, counted as "2 boxes", "17 points". */
const COUNTED = [
  ['boxes', 'box', 'boxes'],
  ['points', 'point', 'points'],
  ['lines', 'line', 'lines'],
  ['polygons', 'polygon', 'polygons'],
  ['text', 'text', 'texts'],
];
const SKIPPED = new Set(['edges', 'mask', ...COUNTED.map(([key]) => key)]);

/**
 * @param {HTMLElement} element
 * @param {{transform: {id: string}[], results: Record<string, unknown>, models: ModelInfo[]}} state
 * @param {TransformInfo[]} transforms
 */
export function showResults(element, state, transforms) {
  const lines = [];
  for (const { id } of state.transform) {
    const transform = transforms.find((t) => t.id === id);
    const results = /** @type {Record<string, unknown> | undefined} */ (state.results[id]);
    const model = state.models.find((m) => m.id === id);
    const detect = transform?.kind === 'detect';
    if (!results && !detect) continue;
    const parts = [`${transform?.label ?? id}${detect ? ' (model)' : ''}`];
    if (detect) parts.push(model ? modelText(model) : 'waiting for its first result');
    if (results) parts.push(summary(results));
    lines.push(parts.filter(Boolean).join(' · '));
  }
  const text = lines.join('\n');
  if (element.textContent !== text) element.textContent = text;
}

/** "6.1 results/s · 180 ms old · throttled: video first" @param {ModelInfo} model */
export function modelText(model) {
  const parts = [`${model.rate.toFixed(1)} results/s`, `${Math.round(model.ageMs)} ms old`];
  if (model.callMs) parts.push(`${Math.round(model.callMs)} ms a call`);
  if (model.throttled === 'video') parts.push(`throttled: video first (≤ ${(model.videoCap ?? 0).toFixed(1)}/s)`);
  if (model.throttled === 'max-rate') parts.push('held to its max rate');
  return parts.join(' · ');
}

/** @param {Record<string, unknown>} results */
function summary(results) {
  const parts = [];
  for (const [key, one, many] of COUNTED) {
    const list = results[key];
    if (Array.isArray(list) && list.length) parts.push(`${list.length} ${list.length === 1 ? one : many}`);
  }
  const mask = /** @type {{width?: number, height?: number} | undefined} */ (results.mask);
  if (mask?.width) parts.push(`mask ${mask.width}×${mask.height}`);
  for (const [key, value] of Object.entries(results)) {
    if (SKIPPED.has(key)) continue;
    const shown = typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : JSON.stringify(value);
    parts.push(`${key} ${shown.length > 60 ? `${shown.slice(0, 57)}…` : shown}`);
  }
  return parts.join(', ') || 'nothing';
}
