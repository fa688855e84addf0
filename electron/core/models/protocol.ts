import type { MessagePort } from 'node:worker_threads';
import type { Mask } from '../detect/schema.js';
import type { ModelTask, ParamValues } from '../transforms/types.js';

export interface ModelWorkerData {
  /** The models' manifest (unset: the package's). */
  manifest?: string;
}

/** From the main thread to the model worker: a new client (a codec worker), on a port of its own. */
export type ToModelWorker = { type: 'connect'; port: MessagePort };

/** From a client, on its port: load a task's models (once per process), or run one on a picture (RGB24, rows packed). */
export type ModelRequest =
  | { id: number; type: 'load'; task: ModelTask }
  | { id: number; type: 'detect'; task: ModelTask; pixels: Uint8Array; width: number; height: number; params: ParamValues };

export type ModelReply =
  | { id: number; ok: true; results?: Record<string, unknown>; mask?: Mask; busyMs: number }
  | { id: number; ok: false; error: string };
