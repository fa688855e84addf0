import { detectTransform } from './detect-filter.js';

/** Objects of COCO's 80 classes (person, cup, laptop, ...): boxes with the class name and score (NanoDet). */
export const objects = detectTransform({
  id: 'objects',
  label: 'Objects (model)',
  params: [
    { name: 'threshold', label: 'Min score', type: 'number', min: 0.1, max: 0.95, step: 0.05, default: 0.4 },
    { name: 'maxObjects', label: 'At most (objects)', type: 'number', min: 1, max: 50, step: 1, default: 20 },
  ],
  detector: { runtime: 'model', task: 'objects' },
});
