import type { ParamSpec, Transform, TransformInstance, TransformResult } from '../transforms/types.js';
import { describeFailure, PythonProcess } from './python-process.js';
import { Kind } from './protocol.js';

/** A .py plugin as the main thread described it (see describe.ts); enough for a worker to run it. */
export interface PythonPluginInfo {
  id: string;
  label: string;
  params: ParamSpec[];
  /** The plugin's file, absolute. */
  file: string;
  /** The interpreter (--python). */
  python: string;
}

export interface PythonFilterOptions {
  /** Python's stdout and stderr, a line at a time. */
  onOutput(id: string, line: string): void;
  /** A frame Python has not answered within this is taken as a hang: the process is killed. */
  hangMs?: number;
  /** import + setup() may take this long (models load there). */
  startMs?: number;
  now?: () => number;
}

const HANG_MS = 3000;
const START_MS = 60_000;
/** Restart delays after a crash, a hang or a failed start: 0.5 s doubling to 10 s, back to 0.5 s after 10 s of health. */
const FIRST_RESTART_MS = 500;
const MAX_RESTART_MS = 10_000;
const HEALTHY_MS = 10_000;

/** A Python filter is a transform like any other; its frames are BGR (cv2's convention). */
export function pythonTransform(info: PythonPluginInfo, options: PythonFilterOptions): Transform {
  return {
    id: info.id,
    label: info.label,
    params: info.params,
    input: 'bgr',
    create: () => new PythonFilter(info, options),
  };
}

/**
 * One camera's Python process for one filter, restarted with backoff when it dies, hangs or fails
 * to start. While there is no ready process, frames pass through untouched (apply returns at once,
 * or throws the reason, which the chain reports once): the call never waits for Python to come back.
 */
export class PythonFilter implements TransformInstance {
  private process?: PythonProcess;
  private restartAt = 0;
  private delay = FIRST_RESTART_MS;
  private readyAt?: number;
  private startedAt = 0;
  private sequence = 0;
  /** Why the last process ended; thrown (and so reported) until a new one is ready. */
  private why?: string;
  private disposed = false;
  private readonly now: () => number;

  constructor(
    private readonly info: PythonPluginInfo,
    private readonly options: PythonFilterOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.start();
  }

  apply(
    frame: { image: { data: Uint8Array }; width: number; height: number; time: number },
    params: Record<string, unknown>,
  ): Promise<TransformResult | void> | void {
    const process = this.process;
    if (!process || process.state === 'gone') {
      if (this.now() >= this.restartAt) this.start();
      if (this.why) throw new Error(this.why);
      return;
    }
    if (process.state === 'starting') {
      if (this.now() - this.startedAt > (this.options.startMs ?? START_MS))
        process.kill(`import and setup() took more than ${(this.options.startMs ?? START_MS) / 1000} s`);
      return;
    }
    if (this.readyAt !== undefined && this.now() - this.readyAt > HEALTHY_MS) this.delay = FIRST_RESTART_MS;
    return this.exchange(process, frame, params);
  }

  dispose(): void {
    this.disposed = true;
    this.process?.kill('the filter was removed');
    this.process = undefined;
  }

  private async exchange(
    process: PythonProcess,
    frame: { image: { data: Uint8Array }; width: number; height: number; time: number },
    params: Record<string, unknown>,
  ): Promise<TransformResult | void> {
    const hangMs = this.options.hangMs ?? HANG_MS;
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        process.kill(`apply() took more than ${hangMs / 1000} s on one frame`);
        reject(new Error(this.why));
      }, hangMs);
    });
    try {
      const sent = process.exchange({
        pixels: frame.image.data,
        width: frame.width,
        height: frame.height,
        sequence: this.sequence++,
        timestamp: frame.time,
        params,
      });
      const reply = await Promise.race([sent, hung]);
      if (reply.header.kind === Kind.error) throw new Error(describeFailure(reply.info));
      if (reply.header.kind !== Kind.result || reply.payload.length !== frame.image.data.byteLength)
        throw new Error('the Python process answered with a frame of the wrong size');
      // Read the Mat's view only now: the WASM heap may have grown (and moved) while we waited.
      frame.image.data.set(reply.payload);
      const results = reply.info?.results;
      return results && typeof results === 'object' ? (results as TransformResult) : undefined;
    } catch (error) {
      // The process ended under this frame (hang, crash): say why and when it comes back.
      if (process.state === 'gone' && this.why) throw new Error(this.why, { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private start(): void {
    if (this.disposed) return;
    const process = new PythonProcess(this.info.python, this.info.file, (line) => this.options.onOutput(this.info.id, line));
    this.process = process;
    this.startedAt = this.now();
    this.readyAt = undefined;
    void process.ready.then(
      () => {
        this.readyAt = this.now();
        this.why = undefined;
      },
      () => {},
    );
    process.onEnd(({ why }) => {
      if (this.disposed || this.process !== process) return;
      this.why = `${why}; restarting in ${this.delay / 1000} s (frames pass through meanwhile)`;
      this.restartAt = this.now() + this.delay;
      this.delay = Math.min(MAX_RESTART_MS, this.delay * 2);
    });
  }
}
