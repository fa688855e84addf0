import { detectTransform } from './detect-filter.js';

/** Faces with landmarks (BlazeFace, then Face Mesh on each face, in the model worker): boxes, named points, a count. */
export const face = detectTransform({
  id: 'face',
  label: 'Face landmarks (model)',
  params: [
    { name: 'landmarks', label: 'Landmarks', type: 'choice', choices: ['keypoints', 'contours', 'mesh', 'none'], default: 'keypoints' },
    { name: 'threshold', label: 'Min face score', type: 'number', min: 0.1, max: 0.95, step: 0.05, default: 0.5 },
    { name: 'maxFaces', label: 'At most (faces)', type: 'number', min: 1, max: 10, step: 1, default: 5 },
  ],
  detector: { runtime: 'model', task: 'face' },
});
