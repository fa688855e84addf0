import type { TransformChain } from '../transforms/chain.js';
import type { OpenCV } from '../transforms/opencv.js';
import type { StageHost } from '../transforms/types.js';
import { workSize } from './chain-planes.js';
import { ChainRunner, type ChainOutput, type Size } from './chain-runner.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import { EncodeStep } from './encode-step.js';
import { VideoDecoder } from './video-decoder.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { EncodedFrame } from './protocol.js';

/** A frame between decode and encode: what its encode needs once the chain has answered. */
interface InFlight {
  pts: bigint;
  /** Time since the frame that came before it (sent or skipped), in pts ticks. */
  gap: bigint;
  width: number;
  height: number;
  work: Size;
  transformStart: number;
}

const CLOCK_RATE = 90000;

/**
 * Decode -> transform -> encode for one camera, in the worker: VideoDecoder keeps the newest decoded
 * frame, the chain runs on it (ChainRunner: FFmpeg graphs on its planes, or OpenCV.js on the form a
 * stage asks for), EncodeStep encodes at the size and bitrate SendPolicy chooses. Every frame is
 * decoded (inter frames depend on it), only the newest is transformed and encoded: `decode()` many,
 * then `encodeLatest()` once. While a transform answers later (Python), one newer frame waits, and
 * so does a chain change. Paused (forwarding), it encodes nothing.
 */
export class VideoProcessor {
  private readonly decoder: VideoDecoder;
  private readonly encoder: EncodeStep;
  /** The size the chain works at (see workSize). */
  private work: Size = { width: 0, height: 0 };
  /** Paused while the camera's own packets go back: nothing is transformed or encoded. */
  private paused: boolean;
  /** A frame is between transform and encode (waiting for an asynchronous transform). */
  private inFlight = false;
  /** A chain set while a frame was in flight: applied when it is done. */
  private pendingChain?: { chain: TransformChain; rebuild: boolean };
  private disposed = false;
  private readonly stages: ChainRunner;
  private chain: TransformChain = [];
  /** Frames that did not go out since the last encoded one: replaced by newer, or skipped for the budget. */
  private dropped = 0;
  /** Of those, skipped for the budget. */
  private skipped = 0;
  /** The camera's last size. */
  private camera = { width: 0, height: 0 };

  /**
   * No chain: paused from the start (the camera's packets are forwarded). `cv`: OpenCV.js, loaded
   * before a chain that needs it is set (see needsOpenCV). `host`: detect stages and their results.
   */
  constructor(cv: () => OpenCV, codec: VideoCodecName, chain: TransformChain | undefined, maxPixels: number, host?: StageHost) {
    this.decoder = new VideoDecoder(codec, maxPixels);
    this.encoder = new EncodeStep(codec, maxPixels);
    this.stages = new ChainRunner(cv, host);
    this.paused = chain === undefined;
    if (chain) this.setChain(chain);
  }

  /** Processes this chain from the next frame; ends a pause (our stream then starts with a keyframe). */
  setChain(chain: TransformChain): void {
    if (this.inFlight) {
      this.pendingChain = { chain, rebuild: this.pendingChain?.rebuild ?? false };
      return;
    }
    if (this.paused) this.encoder.requestKeyframe();
    this.paused = false;
    this.chain = chain;
    this.stages.set(chain);
    this.encoder.policy.setChain(this.stages.workWidth !== undefined);
  }

  /** The camera's own packets go back now: decode only (inter frames need it), encode nothing. */
  pause(): void {
    this.paused = true;
  }

  /** After a plugin reload: rebuild every stage so edited plugin code takes effect. */
  rebuildChain(): void {
    if (this.inFlight) {
      this.pendingChain = { chain: this.pendingChain?.chain ?? this.chain, rebuild: true };
      return;
    }
    this.stages.rebuild();
    this.setChain(this.chain);
  }

  /** A decoded frame is waiting to be transformed and encoded. */
  get hasPending(): boolean {
    return this.decoder.hasFresh && !this.disposed;
  }

  /** Errors from transforms since the last call (each reported once). */
  takeErrors(): string[] {
    return this.stages.takeErrors();
  }

  /** The send-side estimate and the user's cap: the encoder follows them (see EncoderRate). */
  setRate(settings: RateSettings): void {
    this.encoder.setRate(settings);
  }

  requestKeyframe(): void {
    this.encoder.requestKeyframe();
  }

  /** Feeds one encoded frame. Returns false when it could not be decoded (the caller asks for a keyframe). */
  decode(data: Uint8Array, timestamp: number): boolean {
    return this.decoder.decode(data, timestamp);
  }

  /** Size of the newest decoded frame (0x0 before the first). */
  get decodedSize(): { width: number; height: number } {
    return this.decoder.size;
  }

  /**
   * Transforms and encodes the newest decoded frame, if there is one not yet sent (none while paused).
   */
  encodeLatest(): EncodedFrame | undefined | Promise<EncodedFrame | undefined> {
    if (!this.decoder.hasFresh || this.inFlight || this.disposed) return undefined;
    const decoded = this.decoder.take()!;
    this.dropped += this.decoder.takeReplaced();
    if (this.paused) {
      this.dropped = 0;
      this.skipped = 0;
      this.decoder.takeMs();
      return undefined;
    }
    const gap = this.encoder.ready(decoded.pts);
    // Over the link's budget: skip this frame.
    if (gap === undefined) {
      this.dropped++;
      this.skipped++;
      return undefined;
    }
    const { width, height } = decoded;
    this.ensureSize(width, height);
    const frame: InFlight = {
      pts: decoded.pts,
      gap,
      width,
      height,
      work: this.work,
      transformStart: performance.now(),
    };
    // Frames decoded while an asynchronous transform works replace `decoded`: the runner reads it before it waits.
    const results = this.stages.run(decoded, Number(frame.pts) / CLOCK_RATE, this.work, this.encoder.sent);
    if (!(results instanceof Promise)) return this.encodeTransformed(frame, results);
    this.inFlight = true;
    return results
      .then((done) => (this.disposed ? undefined : this.encodeTransformed(frame, done)))
      .finally(() => {
        this.inFlight = false;
        const pending = this.pendingChain;
        this.pendingChain = undefined;
        if (pending && !this.disposed) {
          if (pending.rebuild) this.stages.rebuild();
          this.setChain(pending.chain);
        }
      });
  }

  private encodeTransformed(frame: InFlight, { frame: toEncode, results }: ChainOutput): EncodedFrame | undefined {
    const encodeStart = performance.now();
    const encoded = this.encoder.encode(toEncode, frame.gap);
    const end = performance.now();
    if (!encoded) return undefined;
    const replaced = this.decoder.takeReplaced();
    const decodeMs = this.decoder.takeMs();
    const transformMs = encodeStart - frame.transformStart;
    const encodeMs = end - encodeStart;
    // What keeping up with every frame that comes would take decides the size of the next ones.
    this.encoder.policy.worked(this.dropped - this.skipped + replaced + 1, decodeMs, transformMs + encodeMs);
    const result: EncodedFrame = {
      data: encoded.data,
      keyframe: encoded.keyframe,
      recoded: encoded.recodedFrom !== undefined,
      timestamp: this.decoder.rtpTimestamp(frame.pts),
      time: Number(frame.pts) / CLOCK_RATE,
      width: frame.width,
      height: frame.height,
      timings: { decodeMs, transformMs, encodeMs },
      dropped: this.dropped + replaced,
      skipped: this.skipped,
      results,
      bitrate: this.encoder.policy.bitrate,
      sentWidth: this.encoder.sent.width,
      sentHeight: this.encoder.sent.height,
      scaledFor: this.encoder.policy.scaledFor,
      workWidth: frame.work.width,
      workHeight: frame.work.height,
    };
    this.dropped = 0;
    this.skipped = 0;
    return result;
  }

  /** Frees everything now; a frame in flight is abandoned (its transform's answer is not waited for). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stages.dispose();
    this.encoder.dispose();
    this.decoder.dispose();
  }

  /**
   * Reopens the encoder when the camera's size or the plan moves (size encoded, bitrate), and works
   * out the size the chain works at (the runner keeps its per-size state itself).
   */
  private ensureSize(width: number, height: number): void {
    const sizeChanged = this.camera.width !== width || this.camera.height !== height;
    this.camera = { width, height };
    this.encoder.plan(width, height, sizeChanged);
    const chainWidth = this.stages.workWidth;
    const factor = this.encoder.policy.workFactor;
    this.work = workSize({ width, height }, this.encoder.sent, chainWidth === undefined ? undefined : chainWidth * factor);
  }
}
