import { detectTransform } from './detect-filter.js';

/** A body's 17 named keypoints (nose, left_eye, ..., right_ankle) and its skeleton (MoveNet Lightning: one person). */
export const pose = detectTransform({
  id: 'pose',
  label: 'Body pose (model)',
  params: [{ name: 'threshold', label: 'Min point score', type: 'number', min: 0.05, max: 0.95, step: 0.05, default: 0.3 }],
  detector: { runtime: 'model', task: 'pose' },
});
