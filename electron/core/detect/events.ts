import type { TransformKind } from '../transforms/types.js';
import type { Throttle } from './model-rate.js';

/** How a detect filter's model is doing (docs/detect.md), as its stage in the codec worker sees it. */
export interface ModelStats {
  /** Results a second, lately. */
  rate: number;
  /** The last call, from the frame handed over to its results checked (ms). */
  callMs: number;
  /** Age of the results drawn on the frames lately (camera time since the frame they were computed on), ms. */
  drawnAgeP50?: number;
  drawnAgeP95?: number;
  /** Why it was held back lately, if it was: its max-rate param, or the video (frames were being dropped). */
  throttled?: Throttle;
  /** The cap the video puts on it now (runs/s), if any. */
  videoCap?: number;
}

/** One result of a filter: an event of the results stream (GET /api/sessions/:id/results, the phone, recordings). */
export interface ResultEvent {
  /** The filter's id. */
  id: string;
  kind: TransformKind;
  /** The camera's time (s of its stream) of the frame the results were computed on. */
  frameTime: number;
  /** When that frame was handed to the filter, and when its results were ready (ms since the epoch). */
  startedAt: number;
  readyAt: number;
  /** The picture the filter was given: coordinates are in its pixels. */
  width: number;
  height: number;
  /** As the filter returned them (a mask as its size only). */
  results: Record<string, unknown>;
  /** Detect filters: how the model is doing. */
  model?: ModelStats;
}
