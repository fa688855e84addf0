import { EncoderRate, FPS, type RateSettings } from './encoder-rate.js';
import { CpuScale } from './cpu-scale.js';
import { LinkScale } from './link-scale.js';
import { scaledSize } from './scale-steps.js';

/** What the encoder should be: the size it encodes at, its bitrate, and whether to (re)open it. */
export interface EncoderPlan {
  width: number;
  height: number;
  bitrate: number;
  reopen: boolean;
}

/**
 * An inter frame over this many frames' share of the encoder's bitrate is a scene cut worth coding
 * again as a keyframe (see VideoEncoder): twice what libvpx's keyframe cap lets a keyframe be, so
 * that the recoded frame is clearly smaller...
 */
const RECODE_SHARES = 6;
/**
 * ...and this many times the inter frames before it (a smoothed mean): a cut stands out from what
 * came before. Content that is always over (a dense edge map on a slow link) is no cut: every frame
 * would be a keyframe, and LinkScale, which judges inter frames, would never see it.
 */
const RECODE_OVER_USUAL = 4;

/** Why the picture is encoded smaller than the camera's: the link cannot carry it, or the worker cannot keep up at it. */
export type ScaledFor = 'link' | 'cpu';

/**
 * How much to send and at what size, for one camera: EncoderRate (the bitrate, the link's budget),
 * LinkScale (the picture size the link can carry at full frame rate) and CpuScale (the size the
 * worker keeps up at) driven together, as the codec worker's processor asks: each frame, may it be
 * encoded, at which size and rate, and what did it cost. The smaller size of the two scales wins.
 * Pure (a clock in): unit tests drive it without node-av.
 */
export class SendPolicy {
  private readonly rate: EncoderRate;
  private readonly scale: LinkScale;
  private readonly load: CpuScale;
  /**
   * The encoder as it was opened: its size, the scale of the camera's it is (what the frames it
   * encodes are judged at), the load's part of that scale, and which scale held it down.
   */
  private opened?: { width: number; height: number; factor: number; workFactor: number; scaledFor?: ScaledFor };
  /** Inter frames' bits, smoothed over about the last ten (see RECODE_OVER_USUAL). */
  private usualBits?: number;
  /** The chain means the same at any size (see Transform.workWidth): the worker's load may shrink it. */
  private scalable = false;

  constructor(now: () => number = () => performance.now()) {
    this.rate = new EncoderRate(now);
    this.scale = new LinkScale(now);
    this.load = new CpuScale(now);
  }

  /** A new chain: its cost is judged afresh, from the camera's size; `scalable` as above. */
  setChain(scalable: boolean): void {
    this.scalable = scalable;
    this.load.reset();
  }

  /** The linear scale encoded at, of the camera's size. */
  get factor(): number {
    return Math.min(this.scale.factor, this.loadFactor);
  }

  private get loadFactor(): number {
    return this.loadApplies ? this.load.factor : 1;
  }

  /** The worker's load may shrink the picture: a scalable chain, and no recording pinning the size. */
  private get loadApplies(): boolean {
    return this.scalable && !this.rate.settings.keepSize;
  }

  /**
   * The load's scale, as the encoder was opened: a chain's own working width (cartoon's 360) is
   * scaled by it too, or a chain capped below the size sent would cost the same at every step.
   */
  get workFactor(): number {
    return this.opened?.workFactor ?? 1;
  }

  /** Why the encoder's size is smaller than the camera's, if it is. */
  get scaledFor(): ScaledFor | undefined {
    return this.opened?.scaledFor;
  }

  /** The send-side estimate and the user's cap (see SessionBitrate). */
  setRate(settings: RateSettings): void {
    const before = this.rate.linkRate();
    this.rate.settings = settings;
    // Pinned by a recording, or the link is suddenly much faster (a cap lifted): the camera's size again.
    if (settings.keepSize || this.rate.linkRate() >= 2 * before) this.scale.reset();
    if (settings.keepSize) this.load.reset();
  }

  /**
   * A frame is ready to be encoded: false when it must be skipped, over the link's budget (a
   * keyframe that was asked for still goes out).
   */
  mayEncode(keyframeAsked: boolean): boolean {
    this.scale.frameReady();
    return keyframeAsked || this.rate.mayEncode();
  }

  /** The encoder for a camera picture of `width` x `height`; `reopen` when size or bitrate moved enough. */
  plan(width: number, height: number, cameraSizeChanged: boolean): EncoderPlan {
    // What the worker kept up with at another camera size says little of this one.
    if (cameraSizeChanged) this.load.reset();
    const factor = this.factor;
    const sent = scaledSize(width, height, factor);
    const bitrate = this.rate.desired(sent.width, sent.height);
    const reopen =
      cameraSizeChanged || sent.width !== this.opened?.width || sent.height !== this.opened.height || this.rate.shouldChange(bitrate);
    if (reopen) {
      this.opened = {
        ...sent,
        factor,
        workFactor: this.loadFactor,
        scaledFor: factor === 1 ? undefined : factor === this.scale.factor ? 'link' : 'cpu',
      };
      // Another size or bitrate: what was usual for inter frames is no more.
      this.usualBits = undefined;
      this.rate.opened(bitrate);
    }
    return { ...sent, bitrate: reopen ? bitrate : this.rate.current!, reopen };
  }

  /**
   * What an encoded frame cost; an inter frame's bits and quantiser (0 finest, 1 coarsest) decide
   * the next size. `recodedFrom`: the keyframe replaced an inter frame of that many bytes (see
   * VideoEncoder), which counts as an inter frame for what is usual.
   */
  encoded(bytes: number, keyframe: boolean, quantiser: number, recodedFrom?: number): void {
    this.rate.spent(bytes);
    const interBytes = keyframe ? recodedFrom : bytes;
    if (interBytes !== undefined)
      this.usualBits = this.usualBits === undefined ? interBytes * 8 : 0.9 * this.usualBits + 0.1 * interBytes * 8;
    if (!keyframe && !this.rate.settings.keepSize)
      this.scale.interFrame(bytes * 8, quantiser, this.rate.linkRate(), this.opened?.factor ?? 1);
  }

  /**
   * What a processed frame took in the worker (see CpuScale.processedFrame): `frames` came for it
   * (not counting those skipped for the budget), decoding them took `decodeMs`, the rest `workMs`.
   */
  worked(frames: number, decodeMs: number, workMs: number): void {
    if (this.loadApplies) this.load.processedFrame({ frames, decodeMs, workMs, factor: this.opened?.factor ?? 1 });
  }

  /**
   * The size in bits above which an inter frame is coded again as a keyframe (see VideoEncoder and
   * RECODE_SHARES). Infinity where nothing is budgeted (no estimate, no cap): a large frame skips nothing.
   */
  get recodeAbove(): number {
    if (this.rate.linkRate() === Infinity) return Infinity;
    return Math.max((RECODE_SHARES * (this.rate.current ?? 0)) / FPS, RECODE_OVER_USUAL * (this.usualBits ?? 0));
  }

  /** The running encoder's bitrate (bits/s). */
  get bitrate(): number {
    return this.rate.current ?? 0;
  }
}
