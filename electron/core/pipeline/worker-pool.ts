import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./codec-worker.js', import.meta.url);

/**
 * Hands out codec workers and keeps one spare already started, so the next camera does not wait
 * for a thread and an OpenCV.js runtime (~0.5 s) before its first processed frame.
 */
export class WorkerPool {
  private spare?: Worker;

  constructor(private readonly keepWarm = true) {
    if (keepWarm) this.spare = this.spawn();
  }

  take(): Worker {
    const worker = this.spare ?? this.spawn();
    this.spare = this.keepWarm ? this.spawn() : undefined;
    return worker;
  }

  async close(): Promise<void> {
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
