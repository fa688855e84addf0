import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { ModelService } from '../models/model-service.js';
import type { CodecWorkerData, FromWorker, ToCodecWorker, ToWorker } from '../worker/protocol.js';

const WORKER_URL = new URL('../worker/codec-worker.js', import.meta.url);
/**
 * The next worker starts this long after a camera took the last idle one: starting one during a
 * camera's connection competes with it for the CPU while the browser probes the link and our
 * transport-cc timestamps must be honest (see docs/decisions.md, A codec worker per camera).
 */
const REFILL_DELAY_MS = 3000;

/** CAMLOOP_CODEC_WORKERS overrides the number of codec threads (one per core by default). */
const MAX_WORKERS = Number(process.env.CAMLOOP_CODEC_WORKERS) || availableParallelism();

/** One camera's place in a codec worker: its own port to the worker's FrameLoop for it. */
export interface CodecWorkerLease {
  port: MessagePort;
  /** `ended` is called once if the thread ends (it failed) while the camera holds its place. */
  onEnd(ended: (reason: string) => void): void;
  /** The camera left: its place is free. */
  release(): void;
  /**
   * The camera's frames stopped being taken: it leaves now (its port closed, nothing more heard), and its
   * thread, suspect, takes no new camera and ends once its last camera has left (see WorkerPool).
   */
  abandon(): void;
}

interface Member {
  worker: Worker;
  cameras: number;
  /** Its thread died: it takes no more cameras. */
  dead: boolean;
  /** A camera was moved off it for taking no frames: it takes no more cameras, and ends when its last one leaves. */
  retired: boolean;
  /** Its modules are loaded (or it is gone): terminating a thread while node-av registers itself aborts the process. */
  started: Promise<void>;
  /** Told when the thread ends: each camera on it. */
  readonly ended: Set<(reason: string) => void>;
}

/** How long close() waits for a worker still starting before it ends it anyway. */
const START_WAIT_MS = 10_000;

export interface WorkerPoolOptions {
  maxWorkers?: number;
  /** Starts a codec worker thread (tests give a stand-in). */
  spawn?: (data: CodecWorkerData) => Worker;
}

/**
 * The codec worker threads, one per core at most, each serving several cameras (a FrameLoop per
 * camera on a port of its own). A camera goes to an idle worker, else the one with the fewest: one
 * OpenCV.js runtime per thread instead of one per camera (each ~0.5 s of CPU and 40-75 MB to
 * start, which the next camera's handshake paid for), and a thread's cameras take turns frame by
 * frame, so a busy machine shares its frames evenly. One worker is started at once and warmed up;
 * when a camera takes the last idle one, another (warm) follows a little later while the cap allows.
 * A camera whose chain runs a built-in model asks on its port for a port to the model worker that
 * all of them share (ModelService): answered here, the one owner of both.
 */
export class WorkerPool {
  private readonly members: Member[] = [];
  private refill?: NodeJS.Timeout;
  readonly models = new ModelService();
  /** Worker threads started and not yet ended (retired ones included). */
  live = 0;
  private readonly maxWorkers: number;
  private readonly start: (data: CodecWorkerData) => Worker;

  constructor({ maxWorkers = MAX_WORKERS, spawn = (workerData) => new Worker(WORKER_URL, { workerData }) }: WorkerPoolOptions = {}) {
    this.maxWorkers = maxWorkers;
    this.start = spawn;
    this.spawn(true);
  }

  take(): CodecWorkerLease {
    let open = this.open();
    // Every worker busy and room for another: a camera that comes now gets one of its own at once (cold: a burst of
    // cameras spreads over every core); otherwise a warm one is ready for the next a little later.
    if (!open.some((m) => m.cameras === 0) && open.length < this.maxWorkers) open = [...open, this.spawn(false)];
    const member = open.reduce((a, b) => (b.cameras < a.cameras ? b : a));
    member.cameras++;
    if (!open.some((m) => m.cameras === 0) && open.length < this.maxWorkers) this.scheduleSpare();
    const { port1, port2 } = new MessageChannel();
    member.worker.postMessage({ type: 'attach', port: port2 } satisfies ToCodecWorker, [port2]);
    port1.on('message', (message: FromWorker) => {
      if (message.type !== 'need-models') return;
      const models = this.models.connect();
      port1.postMessage({ type: 'models', port: models } satisfies ToWorker, [models]);
    });
    let ended: ((reason: string) => void) | undefined;
    let held = true;
    const leave = () => {
      if (!held) return;
      held = false;
      if (ended) member.ended.delete(ended);
      member.cameras--;
      if (member.retired && member.cameras === 0) void this.end(member);
    };
    return {
      port: port1,
      onEnd: (listener) => {
        ended = (reason) => held && ((held = false), listener(reason));
        member.ended.add(ended);
      },
      release: leave,
      abandon: () => {
        member.retired = true;
        port1.removeAllListeners();
        port1.close();
        leave();
      },
    };
  }

  /** Cameras served by each worker that takes cameras (for tests and the bench). */
  get load(): number[] {
    return this.open().map((m) => m.cameras);
  }

  async close(): Promise<void> {
    clearTimeout(this.refill);
    // Ended on purpose: their cameras are closing too, and are not told.
    for (const member of this.members) member.ended.clear();
    await Promise.all([...[...this.members].map((m) => this.end(m)), this.models.close()]);
  }

  private open(): Member[] {
    return this.members.filter((m) => !m.dead && !m.retired);
  }

  /** Ends a member's thread once it has started (see Member.started). */
  private async end(member: Member): Promise<void> {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
    await Promise.race([member.started, new Promise((resolve) => setTimeout(resolve, START_WAIT_MS).unref())]);
    await member.worker.terminate();
  }

  private scheduleSpare(): void {
    if (this.refill) return;
    this.refill = setTimeout(() => {
      this.refill = undefined;
      const open = this.open();
      if (!open.some((m) => m.cameras === 0) && open.length < this.maxWorkers) this.spawn(true);
    }, REFILL_DELAY_MS);
    this.refill.unref();
  }

  /** `warmUp`: it loads OpenCV.js and runs each built-in once before its first camera (see warm-up.ts). */
  private spawn(warmUp: boolean): Member {
    const worker = this.start({ warmUp });
    // The cameras' ports keep the process alive while they are served, not the thread.
    worker.unref();
    let started = () => {};
    const member: Member = {
      worker,
      cameras: 0,
      dead: false,
      retired: false,
      started: new Promise((resolve) => (started = resolve)),
      ended: new Set(),
    };
    let failure = '';
    this.live++;
    worker.once('message', started);
    worker.once('error', (error) => ((failure = `: ${error.message}`), started()));
    worker.once('exit', (code) => {
      this.live--;
      member.dead = true;
      const index = this.members.indexOf(member);
      if (index >= 0) this.members.splice(index, 1);
      started();
      for (const ended of [...member.ended]) ended(`its thread ended (exit code ${code}${failure})`);
      member.ended.clear();
    });
    this.members.push(member);
    return member;
  }
}
