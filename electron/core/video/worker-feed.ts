import type { GuardCounts } from '../base/guard-counts.js';
import type { Logger } from '../base/log.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { AssembledFrame } from '../media/frames.js';
import type { PluginHost } from '../plugins/plugin-host.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import type { TransformChain } from '../transforms/chain.js';
import { CodecWorkerClient, newVideoStats, type CodecWorkerEvents } from './codec-worker-client.js';
import type { WorkerPool } from './worker-pool.js';

/** Frames (and bytes) waiting in a worker's queue at most: beyond, new frames are shed, not queued. */
const MAX_BACKLOG_FRAMES = 30;
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;
/** A worker with frames waiting that takes none this long has stopped answering: it is replaced. */
export const WEDGED_MS = 5000;
/** ...this long for a worker that has taken none yet (a thread and OpenCV.js to start on a busy machine). */
const STARTING_MS = 30_000;
/** Waits before each replacement of a worker that keeps failing (the last repeats), and when that counts as over. */
const RESTART_WAITS_MS = [0, 1000, 3000, 10_000, 30_000];
const RESTARTS_FORGOTTEN_MS = 60_000;

export interface WorkerFeedOptions {
  codec: VideoCodecName;
  pool: WorkerPool;
  log: Logger;
  maxPixels: number;
  plugins?: PluginHost;
  counts: GuardCounts;
  /** What a new worker runs (undefined: it starts paused, the camera's packets are forwarded). */
  chainNow(): TransformChain | undefined;
  events: Pick<CodecWorkerEvents, 'onFrame' | 'onSize' | 'onTransformErrors' | 'onResult'> & {
    needKeyframe(reason: string): void;
    /** The worker was replaced: the next frame fed must be a keyframe. */
    replaced(message: string): void;
  };
  /** WEDGED_MS and STARTING_MS, shorter in tests. */
  wedgedMs?: number;
  startingMs?: number;
}

/**
 * One camera's place in a (shared) codec worker, kept alive: taken from the pool at the camera's first
 * frame, its queue on its own port bounded (a frame that would wait behind MAX_BACKLOG_FRAMES is shed:
 * `push` says so), and moved to a new place when its thread ends or it stops taking this camera's
 * frames (WEDGED_MS); the call then goes on from a keyframe, with the same chain, rate and counts.
 * Rule: a camera stuck WEDGED_MS moves alone; its thread takes no new camera and ends when its last leaves.
 */
export class WorkerFeed {
  readonly stats = newVideoStats();
  private client?: CodecWorkerClient;
  private rate?: RateSettings;
  private restarts: number[] = [];
  private notBefore = 0;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly options: WorkerFeedOptions) {
    this.watchdog = setInterval(() => this.check(), Math.min(1000, options.wedgedMs ?? WEDGED_MS)).unref();
  }

  /** Whether a worker runs (a keyframe of what goes back is then the encoder's). */
  get running(): boolean {
    return this.client !== undefined;
  }

  /** A frame for the worker: false when it was shed (the queue is full, or a replacement is not due yet). */
  push(frame: AssembledFrame): boolean {
    const client = this.client ?? this.start();
    if (!client) return false;
    const { frames, bytes } = client.backlog;
    if (frames >= MAX_BACKLOG_FRAMES || bytes >= MAX_BACKLOG_BYTES) return false;
    client.push(frame);
    return true;
  }

  setChain(chain: TransformChain): void {
    this.client?.setChain(chain);
  }

  pause(): void {
    this.client?.pause();
  }

  setRate(settings: RateSettings): void {
    this.rate = settings;
    this.client?.setRate(settings);
  }

  reloadPlugins(): void {
    const plugins = this.options.plugins;
    if (plugins) this.client?.reloadPlugins(plugins.forWorker);
  }

  requestKeyframe(): void {
    this.client?.requestKeyframe();
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    await this.client?.close();
  }

  private start(): CodecWorkerClient | undefined {
    if (performance.now() < this.notBefore) return undefined;
    const { codec, log, maxPixels, events } = this.options;
    const client = new CodecWorkerClient(
      this.options.pool.take(),
      codec,
      this.options.chainNow(),
      {
        onFrame: events.onFrame,
        onSize: events.onSize,
        onTransformErrors: events.onTransformErrors,
        onResult: events.onResult,
        onNeedKeyframe: (reason, decodeError) => {
          if (decodeError) this.options.counts.decodeErrors++;
          events.needKeyframe(reason);
        },
        onError: (message) => log.warn(`codec worker: ${message}`),
        onExit: (reason) => this.replace(reason),
        onLog: (message) => log.info(message),
      },
      { ...this.options.plugins?.forWorker, maxPixels },
      this.stats,
    );
    if (this.rate) client.setRate(this.rate);
    return (this.client = client);
  }

  /** Replaces a worker whose queue has not moved for too long. */
  private check(): void {
    const client = this.client;
    if (!client || client.backlog.frames === 0) return;
    const limit = client.lastTakenAt === undefined ? (this.options.startingMs ?? STARTING_MS) : (this.options.wedgedMs ?? WEDGED_MS);
    const waited = performance.now() - client.waitingSince;
    if (waited > limit) this.replace(`took no frame for ${(waited / 1000).toFixed(1)} s`);
  }

  private replace(reason: string): void {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    client.abandon();
    this.options.counts.workerRestarts++;
    const now = performance.now();
    this.restarts = [...this.restarts.filter((at) => now - at < RESTARTS_FORGOTTEN_MS), now];
    const wait = RESTART_WAITS_MS[Math.min(this.restarts.length - 1, RESTART_WAITS_MS.length - 1)]!;
    this.notBefore = now + wait;
    this.options.events.replaced(
      `the codec worker ${reason}: a new one takes over${wait ? ` in ${wait / 1000} s` : ''}, from the camera's next keyframe`,
    );
  }
}
