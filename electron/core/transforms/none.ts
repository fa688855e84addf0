import type { Transform } from './types.js';

export const none: Transform = {
  id: 'none',
  label: 'No transform',
  params: [],
  identity: true,
  create: () => ({ apply() {}, dispose() {} }),
};
