import type { Frame } from 'node-av/lib';
import type { TransformChain } from '../transforms/chain.js';
import type { OpenCV, Mat } from '../transforms/opencv.js';
import type { TransformInput, TransformResult } from '../transforms/types.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import { FrameConverter } from './frame-converter.js';
import { evenSide } from '../rate/link-scale.js';
import { SendPolicy } from '../rate/send-policy.js';
import { TransformStages } from './transform-stages.js';
import { VideoDecoder } from './video-decoder.js';
import { VideoEncoder } from './video-encoder.js';
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
  image: Mat;
  transformStart: number;
}

const CLOCK_RATE = 90000;
/** The gap an encoder is told of is at most this (a camera that paused is not a reason for a huge frame). */
const MAX_GAP_TICKS = 9000n;

/**
 * Decode -> transform -> encode for one camera (it runs inside a worker): VideoDecoder keeps the
 * newest decoded frame, the chain runs on the planes it needs, VideoEncoder encodes at the size
 * and bitrate SendPolicy chooses. Every encoded frame must be decoded (inter frames depend on it),
 * but only the newest is transformed and encoded: `decode()` many, then `encodeLatest()` once. A
 * transform may answer later (a Python filter): frames decoded meanwhile wait as the newest, one
 * at most, and a chain change waits for the frame in flight.
 */
export class VideoProcessor {
  private readonly decoder: VideoDecoder;
  private readonly encoder: VideoEncoder;
  private readonly policy = new SendPolicy();
  private converter?: FrameConverter;
  private rgba?: Mat;
  /** The Y plane (grey and 'yuv' chains) and the chroma planes ('yuv' chains). */
  private luma?: Mat;
  private u?: Mat;
  private v?: Mat;
  /** BGR24 for chains of Python filters. */
  private bgr?: Mat;
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
  /** The size the encoder was opened at. */
  private sent = { width: 0, height: 0 };
  /** The pts of the last frame that came to be encoded (sent or skipped), and the encoder's own clock. */
  private lastReadyPts?: bigint;
  private encoderPts = 0n;

  constructor(private readonly cv: OpenCV, codec: VideoCodecName, chain: TransformChain) {
    this.decoder = new VideoDecoder(codec);
    this.encoder = new VideoEncoder(codec);
    this.stages = new TransformStages(cv);
    this.setChain(chain);
  }

  setChain(chain: TransformChain): void {
    if (this.inFlight) {
      this.pendingChain = { chain, rebuild: this.pendingChain?.rebuild ?? false };
      return;
    }
    const wasIdentity = this.stages.identity;
    this.chain = chain;
    this.stages.set(chain);
    this.policy.setChain(this.stages.workWidth !== undefined);
    // Leaving an identity chain: the browser was getting its own stream, ours must start clean.
    if (wasIdentity && !this.stages.identity) this.encoder.requestKeyframe();
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
    this.policy.setRate(settings);
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
   * Transforms and encodes the newest decoded frame, if there is one not yet sent.
   * With an identity transform nothing is encoded: the session forwards the browser's own packets.
   */
  encodeLatest(): EncodedFrame | undefined | Promise<EncodedFrame | undefined> {
    if (!this.decoder.hasFresh || this.inFlight || this.disposed) return undefined;
    const decoded = this.decoder.take()!;
    this.dropped += this.decoder.takeReplaced();
    if (this.stages.identity) {
      this.dropped = 0;
      this.skipped = 0;
      this.decoder.takeMs();
      return undefined;
    }
    const gap = this.lastReadyPts === undefined ? 3000n : decoded.pts - this.lastReadyPts;
    this.lastReadyPts = decoded.pts;
    // Over the link's budget: skip this frame (a keyframe that was asked for still goes out).
    if (!this.policy.mayEncode(this.encoder.keyframeDue)) {
      this.dropped++;
      this.skipped++;
      return undefined;
    }
    const { width, height } = decoded;
    this.ensureSize(width, height);
    const input = this.stages.input;
    // Read now: frames decoded while an asynchronous transform works replace `decoded`.
    const frame: InFlight = { pts: decoded.pts, gap: gap > 0n && gap < MAX_GAP_TICKS ? gap : 3000n, width, height, input, image: this.imageFor(input), transformStart: performance.now() };
    const time = Number(frame.pts) / CLOCK_RATE;
    this.convertIn(decoded, input, frame.image);
    const { workWidth, workHeight } = this.converter!;
    const results = this.stages.apply(frame.image, workWidth, workHeight, time, input === 'yuv' ? [this.u!, this.v!] : undefined);
    if (!(results instanceof Promise)) return this.encodeTransformed(frame, results);
    this.inFlight = true;
    return results.then((done) => (this.disposed ? undefined : this.encodeTransformed(frame, done))).finally(() => {
      this.inFlight = false;
      const pending = this.pendingChain;
      this.pendingChain = undefined;
      if (pending && !this.disposed) {
        if (pending.rebuild) this.stages.set([]);
        this.setChain(pending.chain);
      }
    });
  }

  /** The decoded picture into the planes the chain works on. */
  private convertIn(decoded: Frame, input: TransformInput, image: Mat): void {
    const converter = this.converter!;
    if (input === 'gray') converter.decodedToGray(decoded, image, [this.u!, this.v!]);
    else if (input === 'yuv') converter.decodedToPlanes(decoded, [this.luma!, this.u!, this.v!]);
    else if (input === 'bgr') converter.decodedToBgr(decoded, image);
    else converter.decodedToRgba(decoded, image);
  }

  /** The Mat a chain taking `input` runs on (the Y plane for 'yuv', with U and V beside it). */
  private imageFor(input: TransformInput): Mat {
    if (input === 'gray' || input === 'yuv') return this.luma!;
    if (input === 'bgr') return (this.bgr ??= new this.cv.Mat(this.converter!.workHeight, this.converter!.workWidth, this.cv.CV_8UC3));
    return this.rgba!;
  }

  private encodeTransformed(frame: InFlight, results: Record<string, TransformResult>): EncodedFrame | undefined {
    const converter = this.converter!;
    const { input, image } = frame;
    const toEncode = input === 'gray' ? converter.grayToYuv(image) : input === 'yuv' ? converter.planesToYuv([this.luma!, this.u!, this.v!]) : input === 'bgr' ? converter.bgrToYuv(image) : converter.rgbaToYuv(image);
    // The encoder's clock advances by the gap to the frame before, not by the time since the last
    // frame it encoded: libvpx's rate control gives a frame the bits of the time it thinks it
    // covers, so frames skipped for the budget made the next one bigger, which skipped more
    // (measured: rotate under a 900 kbps cap, 70-140 kbit frames at a fine quantiser and 6-16 fps).
    this.encoderPts += frame.gap;
    toEncode.pts = this.encoderPts;
    const encodeStart = performance.now();
    const encoded = this.encoder.encode(converter.scaled(toEncode, this.sent.width, this.sent.height), this.policy.recodeAbove);
    // What an inter frame costs at this size decides the size of the next ones.
    if (encoded) this.policy.encoded(encoded.data.byteLength, encoded.keyframe, encoded.quantiser, encoded.recodedFrom);
    const end = performance.now();
    if (!encoded) return undefined;
    const replaced = this.decoder.takeReplaced();
    const decodeMs = this.decoder.takeMs();
    const transformMs = encodeStart - frame.transformStart;
    const encodeMs = end - encodeStart;
    // What keeping up with every frame that comes would take decides the size of the next ones.
    this.policy.worked(this.dropped - this.skipped + replaced + 1, decodeMs, transformMs + encodeMs);
    const result: EncodedFrame = {
      data: encoded.data,
      keyframe: encoded.keyframe,
      recoded: encoded.recodedFrom !== undefined,
      timestamp: this.decoder.rtpTimestamp(frame.pts),
      width: frame.width,
      height: frame.height,
      timings: { decodeMs, transformMs, encodeMs },
      dropped: this.dropped + replaced,
      skipped: this.skipped,
      results,
      bitrate: this.policy.bitrate,
      sentWidth: this.sent.width,
      sentHeight: this.sent.height,
      scaledFor: this.policy.scaledFor,
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
    for (const mat of [this.rgba, this.luma, this.u, this.v, this.bgr]) mat?.delete();
    this.converter?.dispose();
    this.encoder.dispose();
    this.decoder.dispose();
  }

  /**
   * (Re)builds the size-dependent state (converter, Mats) and the encoder when a size or the
   * bitrate moves: the camera's size, the size encoded, or the size the chain works at.
   */
  private ensureSize(width: number, height: number): void {
    const sizeChanged = this.converter?.width !== width || this.converter.height !== height;
    const plan = this.policy.plan(width, height, sizeChanged);
    if (plan.reopen) {
      this.encoder.open(plan.width, plan.height, plan.bitrate);
      this.sent = { width: plan.width, height: plan.height };
    }
    const chainWidth = this.stages.workWidth;
    const work = workSize({ width, height }, this.sent, chainWidth === undefined ? undefined : chainWidth * this.policy.workFactor);
    if (!sizeChanged && this.converter!.workWidth === work.width && this.converter!.workHeight === work.height) return;
    this.converter?.dispose();
    for (const mat of [this.rgba, this.luma, this.u, this.v, this.bgr]) mat?.delete();
    this.bgr = undefined;
    this.converter = new FrameConverter(width, height, work.width, work.height);
    this.rgba = new this.cv.Mat(work.height, work.width, this.cv.CV_8UC4);
    this.luma = new this.cv.Mat(work.height, work.width, this.cv.CV_8UC1);
    this.u = new this.cv.Mat(this.converter.chromaHeight, this.converter.chromaWidth, this.cv.CV_8UC1);
    this.v = new this.cv.Mat(this.converter.chromaHeight, this.converter.chromaWidth, this.cv.CV_8UC1);
  }
}

/**
 * The size a chain works at: the camera's, or for a chain that means the same at any size (see
 * Transform.workWidth) the size encoded, at most `workWidth` wide (even, as 4:2:0 needs).
 */
export function workSize(camera: Size, sent: Size, workWidth: number | undefined): Size {
  if (workWidth === undefined) return camera;
  const width = Math.min(sent.width, workWidth);
  if (width === sent.width) return sent;
  return { width: evenSide(width), height: evenSide((sent.height * width) / sent.width) };
}

interface Size {
  width: number;
  height: number;
}
