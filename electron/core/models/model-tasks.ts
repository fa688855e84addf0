import type { ModelTask } from '../transforms/types.js';

/**
 * The picture each model is handed, scaled in the codec worker (libswscale) so that a frame crosses
 * to the model worker once, small: the segmenter's own input (256x256, stretched as it was trained),
 * and for the others the frame fitted in a side near their detector's input (BlazeFace 256, MoveNet
 * 192, HandTrack 320, NanoDet 416), with room for the face and hand landmark crops.
 */
const INPUT: Record<ModelTask, { side: number; square?: true }> = {
  segmentation: { side: 256, square: true },
  face: { side: 320 },
  pose: { side: 256 },
  hands: { side: 320 },
  objects: { side: 416 },
};

export function modelInputSize(task: ModelTask, width: number, height: number): { width: number; height: number } {
  const { side, square } = INPUT[task];
  if (square) return { width: side, height: side };
  const scale = Math.min(1, side / Math.max(width, height));
  return { width: Math.max(2, Math.round(width * scale)), height: Math.max(2, Math.round(height * scale)) };
}
