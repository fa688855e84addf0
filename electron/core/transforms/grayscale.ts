import type { Transform } from './types.js';

/** Luma only: the pipeline hands over the Y plane and sends it back with neutral colour. */
export const grayscale: Transform = {
  id: 'grayscale',
  label: 'Grayscale',
  params: [],
  input: 'gray',
  workWidth: Infinity,
  create: () => ({ apply() {}, dispose() {} }),
};
