import type { MessagePort } from 'node:worker_threads';
import type { TransformChain } from '../transforms/chain.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import type { GraphPluginSpec } from '../plugins/graph-plugins.js';
import type { PythonPluginInfo } from '../python/python-filter.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { TransformResult } from '../transforms/types.js';
import type { ScaledFor } from '../rate/send-policy.js';
import type { ResultEvent } from '../detect/events.js';

/** A processed frame, encoded, as the worker posts it back. */
export interface EncodedFrame {
  data: Uint8Array;
  timestamp: number;
  /** The camera's time of the frame (s of its stream), as transforms and results see it. */
  time: number;
  keyframe: boolean;
  /** A scene cut's inter frame coded again as this keyframe (see VideoEncoder). */
  recoded: boolean;
  width: number;
  height: number;
  timings: FrameTimings;
  /** Frames since the last encoded one that did not go out: replaced by newer ones, or skipped for the budget. */
  dropped: number;
  /** Of `dropped`, those skipped because the link's budget was spent (the rest: the worker was busy). */
  skipped: number;
  results: Record<string, TransformResult>;
  /** The encoder's bitrate (bits/s). */
  bitrate: number;
  /** The size encoded: the camera's, or smaller for the link (LinkScale) or when the worker cannot keep up (CpuScale). */
  sentWidth: number;
  sentHeight: number;
  /** Why the size encoded is smaller than the camera's (undefined: it is not). */
  scaledFor?: ScaledFor;
  /** The size the chain ran at: the camera's, or the size sent (see Transform.workWidth). */
  workWidth: number;
  workHeight: number;
}

/** Given to a codec worker when it starts. */
export interface CodecWorkerData {
  /** Load OpenCV.js and run each built-in transform once before the first camera (see warm-up.ts). */
  warmUp: boolean;
}

/** To a codec worker thread itself (not to one of its cameras): serve a camera on this port (its ToWorker messages). */
export type ToCodecWorker = { type: 'attach'; port: MessagePort };

/** Messages from the session (main thread) to its camera's FrameLoop in a codec worker. */
export type ToWorker =
  /** No chain: the camera's packets are forwarded, the worker starts paused. */
  | {
      type: 'init';
      codec: VideoCodecName;
      chain?: TransformChain;
      maxPixels: number;
      pluginsDir?: string;
      python?: PythonPluginInfo[];
      graphs?: GraphPluginSpec[];
    }
  /** The encoder bitrate follows these (see EncoderRate). */
  | { type: 'rate'; settings: RateSettings }
  | { type: 'frame'; data: Uint8Array; timestamp: number }
  /** Process this chain (ends a pause). */
  | { type: 'chain'; chain: TransformChain }
  /** Forwarding took over: decode only, encode nothing. */
  | { type: 'pause' }
  /** The plugins folder changed: re-import every plugin and rebuild the chain. */
  | { type: 'plugins'; dir: string; python: PythonPluginInfo[]; graphs: GraphPluginSpec[] }
  | { type: 'keyframe' }
  /** A port to the model worker, asked for with 'need-models' (WorkerPool answers). */
  | { type: 'models'; port: MessagePort }
  | { type: 'close' };

export interface FrameTimings {
  decodeMs: number;
  transformMs: number;
  encodeMs: number;
}

/** Messages from the codec worker back to its session. */
export type FromWorker =
  /** One processed frame, encoded. */
  | ({ type: 'encoded' } & EncodedFrame)
  | { type: 'transform-errors'; errors: string[] }
  /** A detect filter's new results (apply filters' come with their frame). */
  | { type: 'result'; event: ResultEvent }
  /** The decoded picture size, sent when it first becomes known and whenever it changes. */
  | { type: 'size'; width: number; height: number }
  | { type: 'need-keyframe'; reason: string; decodeError?: boolean }
  /** The worker took this many frames from its queue (decoded or not): the main thread bounds what waits. */
  | { type: 'drained'; frames: number }
  /** A line for the session's log (what a Python filter printed). */
  | { type: 'log'; message: string }
  /** A model filter needs the model worker: send a port to it ('models'). */
  | { type: 'need-models' }
  | { type: 'error'; message: string };
