import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./codec-worker.js', import.meta.url);
/**
 * A new spare starts this long after the last one was taken: starting one (a thread, OpenCV.js's
 * WASM compile and init, ~0.5 s of CPU) in the very seconds a camera connects competes with that
 * camera's own start, when the browser probes the link and our transport-cc timestamps must be honest.
 */
const REFILL_DELAY_MS = 3000;

/**
 * Hands out codec workers and keeps one spare already started, so the next camera does not wait
 * for a thread and an OpenCV.js runtime (~0.5 s) before its first processed frame.
 */
export class WorkerPool {
  private spare?: Worker;
  private refill?: NodeJS.Timeout;

  constructor(private readonly keepWarm = true) {
    if (keepWarm) this.spare = this.spawn();
  }

  take(): Worker {
    const worker = this.spare ?? this.spawn();
    this.spare = undefined;
    if (this.keepWarm) {
      clearTimeout(this.refill);
      this.refill = setTimeout(() => (this.spare ??= this.spawn()), REFILL_DELAY_MS);
      this.refill.unref();
    }
    return worker;
  }

  async close(): Promise<void> {
    clearTimeout(this.refill);
    const spare = this.spare;
    this.spare = undefined;
    await spare?.terminate();
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    // A spare that dies unused is simply replaced on the next take().
    worker.once('error', () => {
      if (this.spare === worker) this.spare = undefined;
    });
    return worker;
  }
}
