// @ts-check
// Live graphs of the last minute: per camera, one uPlot chart for each group of CALL_FIGURES; the
// app's CPU and memory in another. Fed by the event stream's figures once a second (no polling);
// each chart element keeps its uPlot instance as `.chart`, whose `.data` is what it draws.
import uPlot from './shared/uplot.js';
import { CALL_FIGURES, figureValue } from './shared/figures.js';

/** @typedef {import('../shared/api-types').CallRates} CallRates */
/** @typedef {import('../shared/api-types').AppLoad} AppLoad */
/** @typedef {{label: string, unit: string, digits: number}} SeriesSpec */

const WINDOW_S = 60;
const COLORS = ['#4fc3f7', '#ffb74d', '#e57373'];
const AXIS = { stroke: '#9aa0a6', grid: { stroke: '#2c3036', width: 1 }, ticks: { stroke: '#2c3036', width: 1 } };

/** One chart of the last minute: x in seconds since the epoch, one array per series (null: not measured). */
class Chart {
  /**
   * @param {HTMLElement} parent @param {string} id @param {string} title @param {SeriesSpec[]} series
   * @param {boolean} optional  hidden while none of its series has a value (a model's, before one runs)
   */
  constructor(parent, id, title, series, optional = false) {
    this.optional = optional;
    this.element = document.createElement('div');
    this.element.className = 'graph';
    this.element.dataset.graph = id;
    /** @type {(number | null)[][]} */
    this.data = [[], ...series.map(() => [])];
    const units = [...new Set(series.map((s) => s.unit))];
    const scales = Object.fromEntries(units.map((unit) => [unit, { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] }]));
    this.plot = new uPlot(
      {
        title,
        width: 250,
        height: 120,
        cursor: { show: false },
        legend: { live: false },
        scales: { x: { time: true }, ...scales },
        series: [
          {},
          ...series.map((s, i) => ({ label: `${s.label} (${s.unit})`, scale: s.unit, stroke: COLORS[i % COLORS.length], width: 1.5 })),
        ],
        axes: [
          AXIS,
          ...units.map((unit, i) => ({ ...AXIS, scale: unit, side: i ? 1 : 3, size: 42, grid: { ...AXIS.grid, show: i === 0 } })),
        ],
      },
      /** @type {uPlot.AlignedData} */ (/** @type {unknown} */ (this.data)),
      this.element,
    );
    Object.assign(this.element, { chart: this.plot });
    this.element.hidden = optional;
    parent.append(this.element);
  }

  /** @param {number} at ms since the epoch @param {(number | null)[]} values one per series */
  push(at, values) {
    this.data[0].push(at / 1000);
    values.forEach((value, i) => this.data[i + 1].push(value));
    while (this.data[0].length && this.data[0][0] < at / 1000 - WINDOW_S) for (const column of this.data) column.shift();
    if (this.optional) this.element.hidden = this.data.slice(1).every((column) => column.every((value) => value === null));
    if (!this.element.hidden) this.plot.setData(/** @type {uPlot.AlignedData} */ (/** @type {unknown} */ (this.data)));
  }

  remove() {
    this.plot.destroy();
    this.element.remove();
  }
}

/** One camera's graphs, in `parent`, started from the minute the core kept (`history`). */
export class CameraGraphs {
  /** @param {HTMLElement} parent @param {CallRates[]} history */
  constructor(parent, history = []) {
    this.charts = CALL_FIGURES.map((group) => ({
      group,
      chart: new Chart(parent, group.id, group.title, group.figures, group.id === 'model'),
    }));
    for (const rates of history) this.push(rates);
  }

  /** @param {CallRates} rates */
  push(rates) {
    for (const { group, chart } of this.charts)
      chart.push(
        rates.at,
        group.figures.map((figure) => figureValue(rates, figure)),
      );
  }

  remove() {
    for (const { chart } of this.charts) chart.remove();
  }
}

/** The app's CPU (% of one core: all its threads, the codec workers too) and memory. */
export class AppGraph {
  /** @param {HTMLElement} parent @param {AppLoad[]} history */
  constructor(parent, history = []) {
    this.chart = new Chart(parent, 'app', 'CamLoop', [
      { label: 'CPU', unit: '%', digits: 0 },
      { label: 'memory', unit: 'MB', digits: 0 },
    ]);
    for (const load of history) this.push(load);
  }

  /** @param {AppLoad} load */
  push(load) {
    this.chart.push(load.at, [load.cpuPct, load.rssMB]);
  }
}
