import { DETECT_HANG_MS, type DetectFrame, type DetectRunner } from '../detect/runner.js';
import type { RawDetection } from '../detect/schema.js';
import type { ModelTask, ParamValues } from '../transforms/types.js';
import type { ModelLink } from './model-link.js';
import { modelInputSize } from './model-tasks.js';

/**
 * A built-in model filter's runner, in the codec worker: the frame goes to the model worker that
 * every camera shares (ModelLink), once, transferred, already scaled to the model's input size by
 * the stage (inputSize). Not idle until the model is loaded; a model that cannot load (a missing or
 * damaged file) is its `trouble`, for good, and the rest of the call goes on.
 */
export class ModelRunner implements DetectRunner {
  readonly format = 'rgb';
  private state: 'loading' | 'ready' | 'failed' = 'loading';
  private waiting = false;
  private busyMs = 0;
  private disposed = false;
  private readonly stopListening: () => void;
  trouble?: string;

  constructor(
    private readonly task: ModelTask,
    private readonly link: ModelLink,
    private readonly hangMs = DETECT_HANG_MS,
  ) {
    this.stopListening = link.onConnect(() => this.load());
    if (link.connected) this.load();
    else link.connect();
  }

  get idle(): boolean {
    return this.state === 'ready' && !this.waiting && this.link.connected;
  }

  inputSize(width: number, height: number): { width: number; height: number } {
    return modelInputSize(this.task, width, height);
  }

  /** The model worker's time on this runner's calls: its CPU, as the calls are WASM work on one thread. */
  cpuSeconds(): number {
    return this.busyMs / 1000;
  }

  async run(frame: DetectFrame, params: ParamValues): Promise<RawDetection> {
    if (!this.idle) throw new Error(this.trouble ?? `the ${this.task} model is not ready`);
    this.waiting = true;
    // A late answer is still taken; meanwhile the filter says why nothing new is drawn.
    const late = setTimeout(() => (this.trouble = `the ${this.task} model has not answered for ${this.hangMs / 1000} s`), this.hangMs);
    try {
      const { pixels, width, height } = frame;
      const answer = await this.link.request({ type: 'detect', task: this.task, pixels, width, height, params }, [pixels.buffer as ArrayBuffer]);
      this.busyMs += answer.busyMs;
      if (this.state === 'ready') this.trouble = undefined;
      return { results: answer.results ?? {}, mask: answer.mask };
    } finally {
      clearTimeout(late);
      this.waiting = false;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.stopListening();
  }

  private load(): void {
    this.state = 'loading';
    this.link.request({ type: 'load', task: this.task }).then(
      () => {
        if (this.disposed) return;
        this.state = 'ready';
        this.trouble = undefined;
      },
      (error: Error) => {
        if (this.disposed || !this.link.connected) return; // the worker stopped: loaded again on the next port
        this.state = 'failed';
        this.trouble = `the ${this.task} model cannot run: ${error.message}`;
      },
    );
  }
}
