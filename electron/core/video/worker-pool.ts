import { Worker } from 'node:worker_threads';
import { ModelService } from '../models/model-service.js';
import type { CodecWorkerData, FromWorker, ToWorker } from '../worker/protocol.js';

const WORKER_URL = new URL('../worker/codec-worker.js', import.meta.url);
/**
 * A new spare starts this long after the last one was taken: starting one during a camera's
 * connection competes with it for the CPU while the browser probes the link and our transport-cc
 * timestamps must be honest (see docs/decisions.md, A codec worker per camera).
 */
const REFILL_DELAY_MS = 3000;

/**
 * Hands out codec workers and keeps one spare already started, so the next camera does not wait
 * for a thread and an OpenCV.js runtime (~0.5 s), nor pay for compiling transform code on its
 * first frame. A codec worker whose chain runs a built-in model asks for a port to the model
 * worker that all of them share (ModelService): answered here, the one owner of both.
 */
export class WorkerPool {
  private spare?: Worker;
  private refill?: NodeJS.Timeout;
  readonly models = new ModelService();
  /** Worker threads started and not yet ended (the cameras', and the spare). */
  live = 0;

  constructor() {
    this.spare = this.spawn(true);
  }

  take(): Worker {
    // Without a spare, the camera waits for this one: no warm-up (it would cost more than it saves).
    const worker = this.spare ?? this.spawn(false);
    this.spare = undefined;
    clearTimeout(this.refill);
    this.refill = setTimeout(() => (this.spare ??= this.spawn(true)), REFILL_DELAY_MS);
    this.refill.unref();
    return worker;
  }

  async close(): Promise<void> {
    clearTimeout(this.refill);
    const spare = this.spare;
    this.spare = undefined;
    await Promise.all([spare?.terminate(), this.models.close()]);
  }

  /** `warmUp`: the worker runs each built-in transform once before its first camera (see warm-up.ts). */
  private spawn(warmUp: boolean): Worker {
    const worker = new Worker(WORKER_URL, { workerData: { warmUp } satisfies CodecWorkerData });
    worker.unref();
    worker.on('message', (message: FromWorker) => {
      if (message.type !== 'need-models') return;
      const port = this.models.connect();
      worker.postMessage({ type: 'models', port } satisfies ToWorker, [port]);
    });
    this.live++;
    worker.once('exit', () => this.live--);
    // A spare that dies unused is simply replaced on the next take().
    worker.once('error', () => {
      if (this.spare === worker) this.spare = undefined;
    });
    return worker;
  }
}
