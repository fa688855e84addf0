import { CodecContext, Frame, Packet } from 'node-av/lib';
import { AV_PICTURE_TYPE_I, AV_PICTURE_TYPE_NONE, AV_PKT_DATA_QUALITY_STATS, AVERROR_EAGAIN } from 'node-av/constants';
import type { TransformChain } from '../transforms/chain.js';
import type { OpenCV, Mat } from '../transforms/opencv.js';
import type { TransformInput, TransformResult } from '../transforms/types.js';
import { FrameConverter } from './frame-converter.js';
import { timestampDelta } from './rtp-math.js';
import { TransformStages } from './transform-stages.js';
import { EncoderRate, type RateSettings } from './encoder-rate.js';
import { OutputScale } from './output-scale.js';
import { openDecoder, openEncoder } from './video-codec.js';
import type { VideoCodecName } from '../media/codecs.js';
import type { EncodedFrame } from './worker-protocol.js';

/** A frame between decode and encode: what its encode needs once the chain has answered. */
interface InFlight {
  pts: bigint;
  width: number;
  height: number;
  input: TransformInput;
  image: Mat;
  transformStart: number;
}

const CLOCK_RATE = 90000;
const FF_QP2LAMBDA = 118;
/** The coarsest quantiser each encoder reports (libvpx's VP8 scale, x264's QP). */
const MAX_QUANTISER: Record<VideoCodecName, number> = { vp8: 63, h264: 51 };

/**
 * Decode -> transform -> encode for one camera (it runs inside a worker).
 * Every encoded frame must be decoded (inter frames depend on it), but only the newest decoded
 * frame is transformed and encoded: `decode()` many, then `encodeLatest()` once. A transform may
 * answer later (a Python filter): frames decoded meanwhile wait as the newest, one at most, and a
 * chain change waits for the frame in flight.
 */
export class VideoProcessor {
  private readonly decoder: CodecContext;
  /** The newest decoded frame; `scratch` receives the next one (receiving unrefs its target first). */
  private decoded = new Frame();
  private scratch = new Frame();
  private readonly packet = new Packet();
  private readonly encodedPacket = new Packet();
  private encoder?: CodecContext;
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
  private hasLatest = false;
  private pendingDecoded = 0;
  private decodeMs = 0;
  private forceKeyframe = true;
  private firstTimestamp?: number;
  private unwrapped = 0;
  private lastTimestamp?: number;
  private readonly rate = new EncoderRate();
  private readonly scale = new OutputScale();
  /** The size the encoder was opened at. */
  private sent = { width: 0, height: 0 };

  constructor(private readonly cv: OpenCV, private readonly codec: VideoCodecName, chain: TransformChain) {
    this.decoder = openDecoder(codec);
    this.decoded.alloc();
    this.scratch.alloc();
    this.packet.alloc();
    this.encodedPacket.alloc();
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
    // Leaving an identity chain: the browser was getting its own stream, ours must start clean.
    if (wasIdentity && !this.stages.identity) this.forceKeyframe = true;
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
    return this.hasLatest && !this.disposed;
  }

  /** Errors from transforms since the last call (each reported once). */
  takeErrors(): string[] {
    return this.stages.errors.splice(0);
  }

  /** The send-side estimate and the user's cap: the encoder follows them (see EncoderRate). */
  setRate(settings: RateSettings): void {
    const before = this.rate.linkRate();
    this.rate.settings = settings;
    // Pinned by a recording, or the link is suddenly much faster (a cap lifted): the camera's size again.
    if (settings.keepSize || this.rate.linkRate() >= 2 * before) this.scale.reset();
  }

  requestKeyframe(): void {
    this.forceKeyframe = true;
  }

  /** Feeds one encoded frame. Returns false when it could not be decoded (the caller asks for a keyframe). */
  decode(data: Uint8Array, timestamp: number): boolean {
    const start = performance.now();
    this.packet.unref();
    this.packet.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.packet.pts = BigInt(this.unwrap(timestamp));
    let ok = this.decoder.sendPacketSync(this.packet) >= 0;
    while (ok) {
      const ret = this.decoder.receiveFrameSync(this.scratch);
      if (ret === AVERROR_EAGAIN) break;
      if (ret < 0) ok = false;
      else {
        [this.decoded, this.scratch] = [this.scratch, this.decoded];
        if (this.hasLatest) this.pendingDecoded++;
        this.hasLatest = true;
      }
    }
    this.decodeMs += performance.now() - start;
    return ok;
  }

  /** Size of the newest decoded frame (0x0 before the first). */
  get decodedSize(): { width: number; height: number } {
    return { width: this.decoded.width, height: this.decoded.height };
  }

  /**
   * Transforms and encodes the newest decoded frame, if there is one not yet sent.
   * With an identity transform nothing is encoded: the session forwards the browser's own packets.
   */
  encodeLatest(): EncodedFrame | undefined | Promise<EncodedFrame | undefined> {
    if (!this.hasLatest || this.inFlight || this.disposed) return undefined;
    this.hasLatest = false;
    if (this.stages.identity) {
      this.pendingDecoded = 0;
      this.decodeMs = 0;
      return undefined;
    }
    this.scale.frameReady();
    // Over the link's budget: skip this frame (a keyframe that was asked for still goes out).
    if (!this.forceKeyframe && !this.rate.mayEncode()) {
      this.pendingDecoded++;
      return undefined;
    }
    const { width, height } = this.decoded;
    this.ensureSize(width, height);
    const converter = this.converter!;
    const input = this.stages.input;
    // Read now: frames decoded while an asynchronous transform works replace `decoded`.
    const frame: InFlight = { pts: this.decoded.pts, width, height, input, image: this.imageFor(input), transformStart: performance.now() };
    const time = Number(frame.pts) / CLOCK_RATE;
    if (input === 'gray') converter.decodedToGray(this.decoded, frame.image);
    else if (input === 'yuv') converter.decodedToPlanes(this.decoded, [this.luma!, this.u!, this.v!]);
    else if (input === 'bgr') converter.decodedToBgr(this.decoded, frame.image);
    else converter.decodedToMat(this.decoded, frame.image);
    const results = this.stages.apply(frame.image, width, height, time, input === 'yuv' ? [this.u!, this.v!] : undefined);
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

  /** The Mat a chain taking `input` runs on (the Y plane for 'yuv', with U and V beside it). */
  private imageFor(input: TransformInput): Mat {
    if (input === 'gray' || input === 'yuv') return this.luma!;
    if (input === 'bgr') return (this.bgr ??= new this.cv.Mat(this.converter!.height, this.converter!.width, this.cv.CV_8UC3));
    return this.rgba!;
  }

  private encodeTransformed(frame: InFlight, results: Record<string, TransformResult>): EncodedFrame | undefined {
    const converter = this.converter!;
    const { input, image } = frame;
    const toEncode = input === 'gray' ? converter.grayToYuv(image) : input === 'yuv' ? converter.planesToYuv([this.luma!, this.u!, this.v!]) : input === 'bgr' ? converter.bgrToYuv(image) : converter.matToYuv(image);
    toEncode.pts = frame.pts;
    const encodeStart = performance.now();
    const encoded = this.encode(converter.scaled(toEncode, this.sent.width, this.sent.height));
    if (encoded) {
      this.rate.spent(encoded.data.byteLength);
      // What an inter frame costs at this size decides the size of the next ones.
      if (!encoded.keyframe && !this.rate.settings.keepSize) this.scale.interFrame(encoded.data.byteLength * 8, encoded.quantiser, this.rate.linkRate());
    }
    const end = performance.now();
    const result: EncodedFrame | undefined = encoded && {
      data: encoded.data,
      keyframe: encoded.keyframe,
      timestamp: Number(BigInt.asUintN(32, frame.pts + BigInt(this.firstTimestamp ?? 0))),
      width: frame.width,
      height: frame.height,
      timings: { decodeMs: this.decodeMs, transformMs: encodeStart - frame.transformStart, encodeMs: end - encodeStart },
      dropped: this.pendingDecoded,
      results,
      bitrate: this.rate.current!,
      sentWidth: this.sent.width,
      sentHeight: this.sent.height,
    };
    this.decodeMs = 0;
    this.pendingDecoded = 0;
    return result;
  }

  /** Frees everything now; a frame in flight is abandoned (its transform's answer is not waited for). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stages.dispose();
    for (const mat of [this.rgba, this.luma, this.u, this.v, this.bgr]) mat?.delete();
    this.converter?.dispose();
    this.encoder?.freeContext();
    this.decoder.freeContext();
    this.decoded.free();
    this.scratch.free();
    this.packet.free();
    this.encodedPacket.free();
  }

  /** Encodes one frame; `quantiser` is the encoder's for it, as a share of the codec's range (0 finest, 1 coarsest). */
  private encode(frame: Frame): { data: Uint8Array; keyframe: boolean; quantiser: number } | undefined {
    const encoder = this.encoder!;
    frame.pictType = this.forceKeyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    this.forceKeyframe = false;
    if (encoder.sendFrameSync(frame) < 0) throw new Error('encoder rejected a frame');
    const chunks: Buffer[] = [];
    let keyframe = false;
    let quantiser = 0;
    while (encoder.receivePacketSync(this.encodedPacket) >= 0) {
      chunks.push(Buffer.from(this.encodedPacket.data!));
      keyframe ||= this.encodedPacket.isKeyframe;
      // FFmpeg's encoder stats: the frame's quantiser as a lambda (QP x FF_QP2LAMBDA).
      const stats = this.encodedPacket.getSideData(AV_PKT_DATA_QUALITY_STATS);
      if (stats) quantiser = Math.min(1, stats.readInt32LE(0) / FF_QP2LAMBDA / MAX_QUANTISER[this.codec]);
      this.encodedPacket.unref();
    }
    if (chunks.length === 0) return undefined;
    return { data: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), keyframe, quantiser };
  }

  /** (Re)builds the size-dependent state (converter, Mats) and the encoder when a size or the bitrate moves. */
  private ensureSize(width: number, height: number): void {
    const sizeChanged = this.converter?.width !== width || this.converter.height !== height;
    const sent = this.scale.size(width, height);
    const bitrate = this.rate.desired(sent.width, sent.height);
    if (sizeChanged || sent.width !== this.sent.width || sent.height !== this.sent.height || this.rate.shouldChange(bitrate)) {
      this.encoder?.freeContext();
      this.encoder = openEncoder(this.codec, { ...sent, bitrate });
      this.sent = sent;
      this.rate.opened(bitrate);
      this.forceKeyframe = true;
    }
    if (!sizeChanged) return;
    this.converter?.dispose();
    for (const mat of [this.rgba, this.luma, this.u, this.v, this.bgr]) mat?.delete();
    this.bgr = undefined;
    this.converter = new FrameConverter(width, height);
    this.rgba = new this.cv.Mat(height, width, this.cv.CV_8UC4);
    this.luma = new this.cv.Mat(height, width, this.cv.CV_8UC1);
    this.u = new this.cv.Mat(this.converter.chromaHeight, this.converter.chromaWidth, this.cv.CV_8UC1);
    this.v = new this.cv.Mat(this.converter.chromaHeight, this.converter.chromaWidth, this.cv.CV_8UC1);
  }

  /** RTP timestamps wrap at 2^32; pts must grow monotonically. Stored relative to the first frame. */
  private unwrap(timestamp: number): number {
    if (this.firstTimestamp === undefined || this.lastTimestamp === undefined) {
      this.firstTimestamp = timestamp;
      this.lastTimestamp = timestamp;
      return 0;
    }
    const delta = timestampDelta(timestamp, this.lastTimestamp);
    this.lastTimestamp = timestamp;
    this.unwrapped += delta;
    return this.unwrapped;
  }
}
