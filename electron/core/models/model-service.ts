import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ModelTask } from '../transforms/types.js';
import { ModelFiles } from './model-files.js';
import type { ModelWorkerData, ToModelWorker } from './protocol.js';

const THREAD_URL = new URL('./model-thread.js', import.meta.url);

/**
 * The process's model worker, on the main thread: started when a codec worker first asks for it,
 * and each codec worker gets a port of its own to it (connect). One thread, so each model is loaded
 * once (up to ~350 MB with all five) and the models together never take more than one core.
 * A thread that dies is started again by the next connect (its clients ask, after a backoff).
 */
export class ModelService {
  private thread?: Worker;
  /** What the check of the model files found wrong, by task: empty until it is done, and when all is well. */
  troubles = new Map<ModelTask, string>();

  /** `manifest`: another models/manifest.json (tests); the package's own by default. */
  constructor(private readonly manifest?: string) {}

  /** Checks every model file (size and sha256: ~20 MB read once), for GET /api/transforms to say which filters cannot run. */
  async checkFiles(): Promise<Map<ModelTask, string>> {
    return (this.troubles = await new ModelFiles(this.manifest).check());
  }

  connect(): MessagePort {
    const thread = (this.thread ??= this.start());
    const { port1, port2 } = new MessageChannel();
    thread.postMessage({ type: 'connect', port: port1 } satisfies ToModelWorker, [port1]);
    return port2;
  }

  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.terminate();
  }

  private start(): Worker {
    const thread = new Worker(THREAD_URL, { workerData: { manifest: this.manifest } satisfies ModelWorkerData });
    thread.unref();
    // Its clients see their ports close and say so on their filters.
    thread.on('error', () => {});
    thread.once('exit', () => {
      if (this.thread === thread) this.thread = undefined;
    });
    return thread;
  }
}
