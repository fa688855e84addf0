import { detectTransform } from './detect-filter.js';

/**
 * The person segmented from the background (MediaPipe's selfie model, in the model worker), and the
 * background blurred, replaced by a colour or the plugins folder's background picture, or cut out:
 * the detect filters' mask effects, drawn on every frame from the latest mask.
 */
export const background = detectTransform({
  id: 'background',
  label: 'Background: blur or replace (model)',
  params: [
    { name: 'mask', label: 'Background', type: 'choice', choices: ['blur', 'colour', 'image', 'cut-out', 'tint', 'off'], default: 'blur' },
  ],
  detector: { runtime: 'model', task: 'segmentation' },
});
