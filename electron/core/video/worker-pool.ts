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
  worker: Worker;
  /** The camera left: its place is free. */
  release(): void;
}

interface Member {
  worker: Worker;
  cameras: number;
  /** Its thread died: it takes no more cameras. */
  dead: boolean;
  /** Its modules are loaded (or it is gone): terminating a thread while node-av registers itself aborts the process. */
  started: Promise<void>;
}

/** How long close() waits for a worker still starting before it ends it anyway. */
const START_WAIT_MS = 10_000;

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

  constructor(private readonly maxWorkers = MAX_WORKERS) {
    this.spawn(true);
  }

  take(): CodecWorkerLease {
    let live = this.members.filter((m) => !m.dead);
    // Every worker busy and room for another: a camera that comes now gets one of its own at once (cold: a burst of
    // cameras spreads over every core); otherwise a warm one is ready for the next a little later.
    if (!live.some((m) => m.cameras === 0) && live.length < this.maxWorkers) live = [...live, this.spawn(false)];
    const member = live.reduce((a, b) => (b.cameras < a.cameras ? b : a));
    member.cameras++;
    if (!live.some((m) => m.cameras === 0) && live.length < this.maxWorkers) this.scheduleSpare();
    const { port1, port2 } = new MessageChannel();
    member.worker.postMessage({ type: 'attach', port: port2 } satisfies ToCodecWorker, [port2]);
    port1.on('message', (message: FromWorker) => {
      if (message.type !== 'need-models') return;
      const models = this.models.connect();
      port1.postMessage({ type: 'models', port: models } satisfies ToWorker, [models]);
    });
    let released = false;
    return {
      port: port1,
      worker: member.worker,
      release: () => {
        if (!released) member.cameras--;
        released = true;
      },
    };
  }

  /** Cameras served by each live worker (for tests and the bench). */
  get load(): number[] {
    return this.members.filter((m) => !m.dead).map((m) => m.cameras);
  }

  async close(): Promise<void> {
    clearTimeout(this.refill);
    const members = this.members.splice(0);
    const wait = (m: Member) => Promise.race([m.started, new Promise((resolve) => setTimeout(resolve, START_WAIT_MS).unref())]);
    await Promise.all([...members.map((m) => wait(m).then(() => m.worker.terminate())), this.models.close()]);
  }

  private scheduleSpare(): void {
    if (this.refill) return;
    this.refill = setTimeout(() => {
      this.refill = undefined;
      const live = this.members.filter((m) => !m.dead);
      if (!live.some((m) => m.cameras === 0) && live.length < this.maxWorkers) this.spawn(true);
    }, REFILL_DELAY_MS);
    this.refill.unref();
  }

  /** `warmUp`: it loads OpenCV.js and runs each built-in once before its first camera (see warm-up.ts). */
  private spawn(warmUp: boolean): Member {
    const worker = new Worker(WORKER_URL, { workerData: { warmUp } satisfies CodecWorkerData });
    // The cameras' ports keep the process alive while they are served, not the thread.
    worker.unref();
    let started = () => {};
    const member: Member = { worker, cameras: 0, dead: false, started: new Promise((resolve) => (started = resolve)) };
    worker.once('message', started);
    worker.once('error', () => ((member.dead = true), started()));
    worker.once('exit', () => ((member.dead = true), started()));
    this.members.push(member);
    return member;
  }
}
