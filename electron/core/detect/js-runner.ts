import { Worker } from 'node:worker_threads';
import { RestartBackoff } from '../base/restart-backoff.js';
import type { ParamValues } from '../transforms/types.js';
import type { DetectThreadData, FromDetectThread, ToDetectThread } from './detect-thread.js';
import { DETECT_HANG_MS, type DetectFrame, type DetectRunner } from './runner.js';
import type { RawDetection } from './schema.js';

const THREAD_URL = new URL('./detect-thread.js', import.meta.url);
/** Loading OpenCV.js and the module, and create(cv), may take this long. */
const START_MS = 30_000;

export interface JsRunnerOptions {
  hangMs?: number;
  startMs?: number;
}

/**
 * A JS detect() (a plugin, or a built-in such as faces) in a thread of its own (detect-thread.ts),
 * never the codec worker's: RGBA frames go to it (transferred), JSON results and a mask come back.
 * A thread that hangs is terminated; one that fails or dies is started again with backoff.
 */
export class JsThreadRunner implements DetectRunner {
  readonly format = 'rgba';
  private thread?: Worker;
  private state: 'starting' | 'ready' | 'gone' = 'gone';
  private waiting?: { resolve: (raw: RawDetection) => void; reject: (error: Error) => void };
  private readonly backoff = new RestartBackoff();
  private restartTimer?: NodeJS.Timeout;
  private disposed = false;
  trouble?: string;

  constructor(
    private readonly spec: DetectThreadData,
    private readonly options: JsRunnerOptions = {},
  ) {
    this.start();
  }

  /** The thread's time running JS (its event loop's active time): a thread's CPU, near enough. */
  cpuSeconds(): number | undefined {
    return this.thread ? this.thread.performance.eventLoopUtilization().active / 1000 : undefined;
  }

  get idle(): boolean {
    return this.state === 'ready' && !this.waiting;
  }

  run(frame: DetectFrame, params: ParamValues): Promise<RawDetection> {
    const thread = this.thread;
    if (!thread || !this.idle) return Promise.reject(new Error(this.trouble ?? 'the detect thread is not ready'));
    const hangMs = this.options.hangMs ?? DETECT_HANG_MS;
    return new Promise<RawDetection>((resolve, reject) => {
      const timer = setTimeout(() => this.end(thread, `detect() took more than ${hangMs / 1000} s on one frame`), hangMs);
      this.waiting = {
        resolve: (raw) => (clearTimeout(timer), resolve(raw)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      const message: ToDetectThread = { type: 'frame', ...frame, params };
      thread.postMessage(message, [frame.pixels.buffer as ArrayBuffer]);
    });
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    if (this.thread) this.end(this.thread, 'the filter was removed');
  }

  private start(): void {
    if (this.disposed) return;
    const thread = new Worker(THREAD_URL, { workerData: this.spec });
    this.thread = thread;
    this.state = 'starting';
    const startMs = this.options.startMs ?? START_MS;
    const startTimer = setTimeout(() => this.end(thread, `loading it took more than ${startMs / 1000} s`), startMs);
    thread.on('message', (message: FromDetectThread) => {
      if (this.thread !== thread) return;
      if (message.type === 'ready') {
        clearTimeout(startTimer);
        this.state = 'ready';
        this.trouble = undefined;
        this.backoff.ready();
      } else if (message.type === 'fatal') this.end(thread, message.message);
      else {
        const waiting = this.waiting;
        this.waiting = undefined;
        if (message.type === 'error') waiting?.reject(new Error(message.message));
        else waiting?.resolve({ results: JSON.parse(message.json), mask: message.mask });
      }
    });
    thread.on('error', (error) => this.end(thread, `the detect thread crashed: ${error.message}`));
    thread.on('exit', (code) => this.end(thread, `the detect thread exited (${code})`));
    thread.once('exit', () => clearTimeout(startTimer));
  }

  /** This thread is done (hang, crash, failure, or removed): what waits on it fails; a new one comes after the backoff. */
  private end(thread: Worker, why: string): void {
    if (this.thread !== thread) return;
    this.thread = undefined;
    this.state = 'gone';
    void thread.terminate();
    const waiting = this.waiting;
    this.waiting = undefined;
    if (this.disposed) {
      waiting?.reject(new Error(why));
      return;
    }
    const delay = this.backoff.failed();
    this.trouble = `${why}; restarting in ${delay / 1000} s (nothing new is drawn meanwhile)`;
    waiting?.reject(new Error(this.trouble));
    this.restartTimer = setTimeout(() => this.start(), delay);
    this.restartTimer.unref();
  }
}
