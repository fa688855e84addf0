import { processCpuSeconds } from '../base/process-cpu.js';
import { RestartBackoff } from '../base/restart-backoff.js';
import { describeFailure, PythonProcess, type FrameOut } from './python-process.js';
import { Kind, type Message } from './protocol.js';

export interface SupervisorOptions {
  /** Python's stdout and stderr, a line at a time. */
  onOutput(line: string): void;
  /** import + setup() may take this long (models load there). */
  startMs?: number;
  now?: () => number;
  /** The user's function, as messages name it: 'apply()' or 'detect()'. */
  call: string;
  /** Said after "restarting in N s": what the call does meanwhile. */
  meanwhile: string;
}

const START_MS = 60_000;

/**
 * A user's .py file in a process of its own, kept running: restarted with backoff (RestartBackoff)
 * when it dies, hangs or fails to start, and `why` says what happened until the next one is ready.
 * Nothing here waits for Python to come back: a caller without a ready process goes on without it.
 */
export class PythonSupervisor {
  private process?: PythonProcess;
  private readonly backoff: RestartBackoff;
  private restartTimer?: NodeJS.Timeout;
  private disposed = false;
  private sequence = 0;
  /** Why the last process ended, and when the next starts; cleared once it is ready. */
  why?: string;

  constructor(
    private readonly python: string,
    private readonly file: string,
    private readonly options: SupervisorOptions,
  ) {
    this.backoff = new RestartBackoff(options.now);
    this.start();
  }

  /** A process ready for a frame, and none in flight. */
  get ready(): boolean {
    return this.process?.state === 'ready' && !this.process.busy;
  }

  /** CPU seconds the running process has used (Linux; undefined elsewhere, or while there is none). */
  cpuSeconds(): number | undefined {
    return processCpuSeconds(this.process?.alive ? this.process.pid : undefined);
  }

  /** One frame to Python and its answer; a hang (`hangMs`) kills the process. Rejects with Python's own words. */
  async exchange(frame: Omit<FrameOut, 'sequence'>, hangMs: number): Promise<Message> {
    const process = this.process;
    if (!process || process.state !== 'ready') throw new Error(this.why ?? 'the Python process is not ready');
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        process.kill(`${this.options.call} took more than ${hangMs / 1000} s on one frame`);
        reject(new Error(this.why));
      }, hangMs);
    });
    try {
      const reply = await Promise.race([process.exchange({ ...frame, sequence: this.sequence++ }), hung]);
      if (reply.refused) throw new Error(`${this.options.call} returned ${reply.refused}`);
      if (reply.header.kind === Kind.error) throw new Error(describeFailure(reply.info));
      return reply;
    } catch (error) {
      // The process ended under this frame (hang, crash): say why and when it comes back.
      if (!process.alive && this.why) throw new Error(this.why, { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.process?.kill('the filter was removed');
    this.process = undefined;
  }

  private start(): void {
    if (this.disposed) return;
    const process = new PythonProcess(this.python, this.file, (line) => this.options.onOutput(line));
    this.process = process;
    const startMs = this.options.startMs ?? START_MS;
    const startTimer = setTimeout(() => process.kill(`import and setup() took more than ${startMs / 1000} s`), startMs);
    startTimer.unref();
    void process.ready.then(
      () => {
        clearTimeout(startTimer);
        this.backoff.ready();
        this.why = undefined;
      },
      () => clearTimeout(startTimer),
    );
    process.onEnd(({ why }) => {
      if (this.disposed || this.process !== process) return;
      const delay = this.backoff.failed();
      this.why = `${why}; restarting in ${delay / 1000} s (${this.options.meanwhile})`;
      this.restartTimer = setTimeout(() => this.start(), delay);
      this.restartTimer.unref();
    });
  }
}
