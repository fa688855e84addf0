import { detectTransform } from './detect-filter.js';

/** Hands: a box and 21 named points each (wrist, thumb_cmc, ..., pinky_tip) with the bones between them. */
export const hands = detectTransform({
  id: 'hands',
  label: 'Hands (model)',
  params: [
    { name: 'threshold', label: 'Min hand score', type: 'number', min: 0.1, max: 0.95, step: 0.05, default: 0.5 },
    { name: 'maxHands', label: 'At most (hands)', type: 'number', min: 1, max: 4, step: 1, default: 2 },
  ],
  detector: { runtime: 'model', task: 'hands' },
});
