import type { TransformChain } from '../transforms/chain.js';
import type { TransformResult } from '../transforms/types.js';
import type { AssembledFrame } from '../media/frames.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import type { PluginSet } from '../plugins/plugin-host.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { FrameTimings, FromWorker, ToWorker } from '../worker/protocol.js';
import type { ScaledFor } from '../rate/send-policy.js';
import type { ResultEvent } from '../detect/events.js';
import type { CodecWorkerLease } from './worker-pool.js';

export interface ProcessedFrame {
  data: Uint8Array;
  timestamp: number;
  /** The camera's time of the frame (s of its stream): what its results carry. */
  time: number;
  keyframe: boolean;
  width: number;
  height: number;
  results: Record<string, TransformResult>;
  /** The size the chain ran at (apply results' coordinates), and what it took. */
  workWidth: number;
  workHeight: number;
  timings: FrameTimings;
}

export interface CodecWorkerEvents {
  onFrame(frame: ProcessedFrame): void;
  onNeedKeyframe(reason: string, decodeError: boolean): void;
  /** The thread ended without being asked to (an uncaught error, a resource limit). */
  onExit(reason: string): void;
  onError(message: string): void;
  onTransformErrors(errors: string[]): void;
  /** A detect filter's new results (apply filters' come with their frame). */
  onResult(event: ResultEvent): void;
  onSize(width: number, height: number): void;
  onLog(message: string): void;
}

export interface VideoStats {
  framesIn: number;
  framesOut: number;
  /** Decoded frames not sent: replaced by newer ones while the worker was busy, or skipped for the link's budget. */
  dropped: number;
  /** Of `dropped`, those skipped for the link's budget (the encoder's frames did not fit the rate). */
  skipped: number;
  /** Scene cuts coded again as keyframes, not sent as the encoder's first, oversized, inter frame (see VideoEncoder). */
  recoded: number;
  width: number;
  height: number;
  /** The encoder's bitrate (bits/s); 0 before the first processed frame. */
  encoderBitrate: number;
  /**
   * The size encoded: the camera's, or smaller when the link cannot carry it or the worker cannot keep
   * up at it; 0 before the first processed frame.
   */
  sentWidth: number;
  sentHeight: number;
  /** Why the size encoded is smaller than the camera's: 'link' or 'cpu' (absent: it is not). */
  scaledFor?: ScaledFor;
  /** The size the chain ran at: the camera's, or smaller for transforms that mean the same at any size (see Transform.workWidth). */
  workWidth: number;
  workHeight: number;
  /** Per-frame timings, exponentially smoothed (about the last 10 frames). */
  timings: FrameTimings;
}

export const newVideoStats = (): VideoStats => ({
  framesIn: 0,
  framesOut: 0,
  dropped: 0,
  skipped: 0,
  recoded: 0,
  width: 0,
  height: 0,
  encoderBitrate: 0,
  sentWidth: 0,
  sentHeight: 0,
  workWidth: 0,
  workHeight: 0,
  timings: { decodeMs: 0, transformMs: 0, encodeMs: 0 },
});

/**
 * The main-thread side of one camera's place in a codec worker (its own port): frames in, processed
 * frames out. Counts what waits in its queue on that port (`backlog`), from the frames its FrameLoop
 * says it took (see WorkerFeed).
 */
export class CodecWorkerClient {
  private closed = false;
  private pushed = 0;
  private taken = 0;
  /** The sizes of the frames waiting, oldest first, and their sum. */
  private readonly sizes: number[] = [];
  private waitingBytes = 0;
  /** When the worker last took frames from its queue (undefined: not since it started). */
  lastTakenAt?: number;
  /** When the oldest frame still waiting was pushed, or the worker last took some since. */
  waitingSince = 0;

  constructor(
    private readonly lease: CodecWorkerLease,
    codec: VideoCodecName,
    /** Undefined: start paused (the camera's packets are forwarded). */
    chain: TransformChain | undefined,
    private readonly events: CodecWorkerEvents,
    options: PluginSet & { maxPixels: number },
    /** Shared with the clients before and after this one (a replaced worker's camera keeps its counts). */
    readonly stats: VideoStats = newVideoStats(),
  ) {
    lease.port.on('message', (message: FromWorker) => !this.closed && this.onMessage(message));
    lease.onEnd((reason) => !this.closed && events.onExit(reason));
    this.post({ type: 'init', codec, chain, ...options });
  }

  /** Frames pushed that the worker has not taken yet, and their bytes. */
  get backlog(): { frames: number; bytes: number } {
    return { frames: this.pushed - this.taken, bytes: this.waitingBytes };
  }

  push(frame: AssembledFrame): void {
    // One copy into a buffer of its own, then transferred (not cloned) to the worker; made before the
    // frame is counted as waiting, so a frame that cannot be read is never counted as one the worker owes.
    const data = new Uint8Array(frame.data);
    this.stats.framesIn++;
    if (this.pushed === this.taken) this.waitingSince = performance.now();
    this.pushed++;
    this.sizes.push(data.byteLength);
    this.waitingBytes += data.byteLength;
    this.post({ type: 'frame', data, timestamp: frame.timestamp }, [data.buffer]);
  }

  /** Process this chain (ends a pause). */
  setChain(chain: TransformChain): void {
    this.post({ type: 'chain', chain });
  }

  /** The camera's own packets go back now: decode only. */
  pause(): void {
    this.post({ type: 'pause' });
  }

  setRate(settings: RateSettings): void {
    this.post({ type: 'rate', settings });
  }

  reloadPlugins(plugins: Required<PluginSet>): void {
    this.post({ type: 'plugins', dir: plugins.pluginsDir, python: plugins.python, graphs: plugins.graphs });
  }

  requestKeyframe(): void {
    this.post({ type: 'keyframe' });
  }

  /**
   * Asks the worker to free this camera's codecs and waits for it to let go of the port (the
   * thread serves other cameras: it stays); a worker too busy to answer within 500 ms is not waited for.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.post({ type: 'close' });
    this.closed = true;
    const { port } = this.lease;
    const closed = new Promise<void>((resolve) => port.once('close', () => resolve()));
    const timeout = setTimeout(() => port.close(), 500);
    // A port the pool closed already (the app quits) never says 'close' again.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    clearTimeout(timeout);
    this.lease.release();
  }

  /** Leaves the worker now, without a goodbye: its thread failed, or stopped taking this camera's frames; nothing it sends is heard. */
  abandon(): void {
    this.closed = true;
    this.lease.abandon();
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.closed) this.lease.port.postMessage(message, transfer);
  }

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'encoded': {
        const { stats } = this;
        stats.framesOut++;
        stats.dropped += message.dropped;
        stats.skipped += message.skipped;
        if (message.recoded) stats.recoded++;
        stats.width = message.width;
        stats.height = message.height;
        stats.encoderBitrate = message.bitrate;
        stats.sentWidth = message.sentWidth;
        stats.sentHeight = message.sentHeight;
        stats.scaledFor = message.scaledFor;
        stats.workWidth = message.workWidth;
        stats.workHeight = message.workHeight;
        const smooth = (old: number, value: number) => old * 0.9 + value * 0.1;
        stats.timings = {
          decodeMs: smooth(stats.timings.decodeMs, message.timings.decodeMs),
          transformMs: smooth(stats.timings.transformMs, message.timings.transformMs),
          encodeMs: smooth(stats.timings.encodeMs, message.timings.encodeMs),
        };
        this.events.onFrame(message);
        break;
      }
      case 'need-keyframe':
        this.events.onNeedKeyframe(message.reason, message.decodeError ?? false);
        break;
      case 'drained':
        this.taken += message.frames;
        for (const size of this.sizes.splice(0, message.frames)) this.waitingBytes -= size;
        this.lastTakenAt = this.waitingSince = performance.now();
        break;
      case 'error':
        this.events.onError(message.message);
        break;
      case 'transform-errors':
        this.events.onTransformErrors(message.errors);
        break;
      case 'result':
        this.events.onResult(message.event);
        break;
      case 'size':
        this.stats.width = message.width;
        this.stats.height = message.height;
        this.events.onSize(message.width, message.height);
        break;
      case 'log':
        this.events.onLog(message.message);
        break;
    }
  }
}
