import type { TransformChain } from '../transforms/chain.js';
import type { OpenCV } from '../transforms/opencv.js';
import type { StageHost, TransformInput, TransformResult } from '../transforms/types.js';
import { ChainPlanes, workSize } from './chain-planes.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import { EncodeStep } from './encode-step.js';
import { TransformStages } from './transform-stages.js';
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
  input: TransformInput;
  planes: ChainPlanes;
  transformStart: number;
}

const CLOCK_RATE = 90000;

/**
 * Decode -> transform -> encode for one camera, in the worker: VideoDecoder keeps the newest decoded
 * frame, the chain runs on the planes it needs (ChainPlanes), EncodeStep encodes at the size and
 * bitrate SendPolicy chooses. Every frame is decoded (inter frames depend on it), only the newest is
 * transformed and encoded: `decode()` many, then `encodeLatest()` once. While a transform answers
 * later (Python), one newer frame waits, and so does a chain change. Paused (forwarding), it encodes nothing.
 */
export class VideoProcessor {
  private readonly decoder: VideoDecoder;
  private readonly encoder: EncodeStep;
  private planes?: ChainPlanes;
  /** Paused while the camera's own packets go back: nothing is transformed or encoded. */
  private paused: boolean;
  /** A frame is between transform and encode (waiting for an asynchronous transform). */
  private inFlight = false;
  /** A chain set while a frame was in flight: applied when it is done. */
  private pendingChain?: { chain: TransformChain; rebuild: boolean };
  private disposed = false;
  private readonly stages: TransformStages;
  private chain: TransformChain = [];
  /** Frames that did not go out since the last encoded one: replaced by newer, or skipped for the budget. */
  private dropped = 0;
  /** Of those, skipped for the budget. */
  private skipped = 0;

  /** No chain: paused from the start (the camera's packets are forwarded). */
  constructor(
    private readonly cv: OpenCV,
    codec: VideoCodecName,
    chain: TransformChain | undefined,
    maxPixels: number,
    host?: StageHost,
  ) {
    this.decoder = new VideoDecoder(codec, maxPixels);
    this.encoder = new EncodeStep(codec, maxPixels);
    this.stages = new TransformStages(cv, host);
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
    this.stages.set([]);
    this.setChain(this.chain);
  }

  /** A decoded frame is waiting to be transformed and encoded. */
  get hasPending(): boolean {
    return this.decoder.hasFresh && !this.disposed;
  }

  /** Errors from transforms since the last call (each reported once). */
  takeErrors(): string[] {
    return this.stages.errors.splice(0);
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
    const input = this.stages.input;
    // Read now: frames decoded while an asynchronous transform works replace `decoded`.
    const planes = this.planes!;
    const frame: InFlight = {
      pts: decoded.pts,
      gap,
      width,
      height,
      input,
      planes,
      transformStart: performance.now(),
    };
    const time = Number(frame.pts) / CLOCK_RATE;
    planes.fill(decoded, input);
    const { workWidth, workHeight } = planes.converter;
    const results = this.stages.apply(planes.imageFor(input), workWidth, workHeight, time, input === 'yuv' ? planes.chroma : undefined);
    if (!(results instanceof Promise)) return this.encodeTransformed(frame, results);
    this.inFlight = true;
    return results
      .then((done) => (this.disposed ? undefined : this.encodeTransformed(frame, done)))
      .finally(() => {
        this.inFlight = false;
        const pending = this.pendingChain;
        this.pendingChain = undefined;
        if (pending && !this.disposed) {
          if (pending.rebuild) this.stages.set([]);
          this.setChain(pending.chain);
        }
      });
  }

  private encodeTransformed(frame: InFlight, results: Record<string, TransformResult>): EncodedFrame | undefined {
    const { converter } = frame.planes;
    const encodeStart = performance.now();
    const encoded = this.encoder.encode(frame.planes.toYuv(frame.input), converter, frame.gap);
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
      workWidth: converter.workWidth,
      workHeight: converter.workHeight,
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
    this.planes?.dispose();
    this.encoder.dispose();
    this.decoder.dispose();
  }

  /**
   * (Re)builds the size-dependent state (converter, Mats) and the encoder when a size or the
   * bitrate moves: the camera's size, the size encoded, or the size the chain works at.
   */
  private ensureSize(width: number, height: number): void {
    const sizeChanged = this.planes?.converter.width !== width || this.planes.converter.height !== height;
    this.encoder.plan(width, height, sizeChanged);
    const chainWidth = this.stages.workWidth;
    const work = workSize(
      { width, height },
      this.encoder.sent,
      chainWidth === undefined ? undefined : chainWidth * this.encoder.policy.workFactor,
    );
    const current = this.planes?.converter;
    if (!sizeChanged && current!.workWidth === work.width && current!.workHeight === work.height) return;
    this.planes?.dispose();
    this.planes = new ChainPlanes(this.cv, width, height, work.width, work.height);
  }
}
