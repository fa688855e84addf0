import { EncoderRate, type RateSettings } from './encoder-rate.js';
import { OutputScale } from './output-scale.js';

/** What the encoder should be: the size it encodes at, its bitrate, and whether to (re)open it. */
export interface EncoderPlan {
  width: number;
  height: number;
  bitrate: number;
  reopen: boolean;
}

/**
 * How much to send and at what size, for one camera: EncoderRate (the bitrate, the link's budget)
 * and OutputScale (the picture size the link can carry at full frame rate) driven together, as the
 * codec worker's processor asks: each frame, may it be encoded, at which size and rate, and what
 * did it cost. Pure (a clock in): unit tests drive it without node-av.
 */
export class SendPolicy {
  private readonly rate: EncoderRate;
  private readonly scale: OutputScale;
  private opened?: { width: number; height: number };

  constructor(now: () => number = () => performance.now()) {
    this.rate = new EncoderRate(now);
    this.scale = new OutputScale(now);
  }

  /** The send-side estimate and the user's cap (see SessionBitrate). */
  setRate(settings: RateSettings): void {
    const before = this.rate.linkRate();
    this.rate.settings = settings;
    // Pinned by a recording, or the link is suddenly much faster (a cap lifted): the camera's size again.
    if (settings.keepSize || this.rate.linkRate() >= 2 * before) this.scale.reset();
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
    const sent = this.scale.size(width, height);
    const bitrate = this.rate.desired(sent.width, sent.height);
    const reopen = cameraSizeChanged || sent.width !== this.opened?.width || sent.height !== this.opened.height || this.rate.shouldChange(bitrate);
    if (reopen) {
      this.opened = sent;
      this.rate.opened(bitrate);
    }
    return { ...sent, bitrate: reopen ? bitrate : this.rate.current!, reopen };
  }

  /** What an encoded frame cost; an inter frame's bits and quantiser (0 finest, 1 coarsest) decide the next size. */
  encoded(bytes: number, keyframe: boolean, quantiser: number): void {
    this.rate.spent(bytes);
    if (!keyframe && !this.rate.settings.keepSize) this.scale.interFrame(bytes * 8, quantiser, this.rate.linkRate());
  }

  /** The running encoder's bitrate (bits/s). */
  get bitrate(): number {
    return this.rate.current ?? 0;
  }
}
