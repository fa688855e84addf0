// @ts-check
// A call's figures (CallRates, computed by the core each second), as the panel's graphs draw them and
// the phone's stats overlay shows them: one table, so that a new figure (the detect filters' rate
// and result age) is a line here, not code in each page.

/** @typedef {import('./api-types').CallRates} CallRates */
/** @typedef {{key: keyof CallRates, label: string, unit: string, scale?: number, digits: number}} Figure */
/** @typedef {{id: string, title: string, figures: Figure[]}} FigureGroup */

/** @type {FigureGroup[]} */
export const CALL_FIGURES = [
  {
    id: 'fps',
    title: 'Frames/s',
    figures: [
      { key: 'fpsIn', label: 'in', unit: 'fps', digits: 1 },
      { key: 'fpsOut', label: 'out', unit: 'fps', digits: 1 },
    ],
  },
  {
    id: 'bitrate',
    title: 'Bitrate',
    figures: [
      { key: 'bpsIn', label: 'in', unit: 'Mbps', scale: 1e-6, digits: 2 },
      { key: 'bpsOut', label: 'out', unit: 'Mbps', scale: 1e-6, digits: 2 },
    ],
  },
  { id: 'processing', title: 'Processing', figures: [{ key: 'msPerFrame', label: 'per frame', unit: 'ms', digits: 1 }] },
  {
    id: 'network',
    title: 'RTT and loss',
    figures: [
      { key: 'rttMs', label: 'RTT', unit: 'ms', digits: 0 },
      { key: 'lossInPct', label: 'loss in', unit: '%', digits: 1 },
      { key: 'lossOutPct', label: 'loss out', unit: '%', digits: 1 },
    ],
  },
  {
    id: 'model',
    title: 'Model',
    figures: [
      { key: 'modelFps', label: 'rate', unit: 'results/s', digits: 1 },
      { key: 'resultAgeMs', label: 'result age', unit: 'ms', digits: 0 },
    ],
  },
];

/**
 * A figure's value in its unit (null: not measured).
 * @param {CallRates} rates @param {Figure} figure @returns {number | null}
 */
export function figureValue(rates, figure) {
  const value = rates[figure.key];
  return typeof value === 'number' && Number.isFinite(value) ? value * (figure.scale ?? 1) : null;
}

/**
 * "12.3 fps", or "–" when not measured.
 * @param {CallRates} rates @param {Figure} figure
 */
export function formatFigure(rates, figure) {
  const value = figureValue(rates, figure);
  return value === null ? '–' : `${value.toFixed(figure.digits)} ${figure.unit}`;
}
