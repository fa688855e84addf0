import type { ParamValues } from '../transforms/types.js';

export type VideoCodecName = 'vp8' | 'h264';

export interface TransformChoice {
  id: string;
  params: ParamValues;
}

/** Messages from the session (main thread) to its codec worker. */
export type ToWorker =
  | { type: 'init'; codec: VideoCodecName; transform: TransformChoice; maxBitrate?: number }
  | { type: 'frame'; data: Uint8Array; timestamp: number; keyframe: boolean }
  | { type: 'transform'; transform: TransformChoice }
  | { type: 'keyframe' }
  | { type: 'close' };

export interface FrameTimings {
  decodeMs: number;
  transformMs: number;
  encodeMs: number;
}

/** Messages from the codec worker back to its session. */
export type FromWorker =
  | { type: 'ready' }
  | {
      type: 'encoded';
      data: Uint8Array;
      timestamp: number;
      keyframe: boolean;
      width: number;
      height: number;
      timings: FrameTimings;
      /** Decoded frames skipped since the last encoded one because a newer frame was waiting. */
      dropped: number;
    }
  | { type: 'need-keyframe'; reason: string }
  | { type: 'error'; message: string };
