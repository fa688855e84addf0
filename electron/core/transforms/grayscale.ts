import type { Transform } from './types.js';

/** Luma only: the pipeline hands over the Y plane and sends it back with neutral colour. */
export const grayscale: Transform = {
  id: 'grayscale',
  label: 'Grayscale',
  params: [],
  input: 'gray',
  workWidth: Infinity,
  // Y untouched, U = V = 128: exact.
  native: () => ({ graph: 'hue=s=0' }),
  create: () => ({ apply() {}, dispose() {} }),
};
