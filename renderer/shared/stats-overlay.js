// @ts-check
// A small overlay of a call's figures (the ones the panel graphs, from the core each second),
// shown and hidden by a toggle button.
import { CALL_FIGURES, formatFigure } from './figures.js';

/** @typedef {import('./api-types').CallRates} CallRates */

export class StatsOverlay {
  /** @param {HTMLButtonElement} toggle @param {HTMLElement} element */
  constructor(toggle, element) {
    this.element = element;
    toggle.addEventListener('click', () => {
      element.hidden = !element.hidden;
      toggle.setAttribute('aria-pressed', String(!element.hidden));
    });
  }

  /** @param {CallRates | null} rates  null: none yet (the first second of a call) */
  show(rates) {
    if (!rates) return void this.element.replaceChildren('Figures come after the first second…');
    // A model's figures only when one runs.
    const shown = CALL_FIGURES.flatMap((group) =>
      group.figures.filter((f) => group.id !== 'model' || rates[f.key] !== null).map((figure) => ({ group, figure })),
    );
    this.element.replaceChildren(
      ...shown.map(({ group, figure }) => {
        const row = document.createElement('div');
        row.dataset.figure = figure.key;
        row.textContent = `${group.title} ${figure.label}: ${formatFigure(rates, figure)}`;
        return row;
      }),
    );
  }
}
