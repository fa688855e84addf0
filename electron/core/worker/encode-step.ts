import type { Frame } from 'node-av/lib';
import type { VideoCodecName } from '../media/codecs.js';
import type { RateSettings } from '../rate/encoder-rate.js';
import { SendPolicy } from '../rate/send-policy.js';
import { VideoEncoder, type EncodedPicture } from './video-encoder.js';

/** The gap an encoder is told of is at most this (a camera that paused is not a reason for a huge frame). */
const MAX_GAP_TICKS = 9000n;
const FRAME_TICKS = 3000n;

/**
 * The encoder and the policy it follows (SendPolicy: may this frame go out, at which size and
 * bitrate), with the encoder's own clock. One per camera, in the codec worker.
 */
export class EncodeStep {
  readonly policy = new SendPolicy();
  private readonly encoder: VideoEncoder;
  /** The size the encoder was opened at. */
  sent = { width: 0, height: 0 };
  /** The pts of the last frame that came to be encoded (sent or skipped), and the encoder's own clock. */
  private lastReadyPts?: bigint;
  private encoderPts = 0n;

  constructor(codec: VideoCodecName, maxPixels: number) {
    this.encoder = new VideoEncoder(codec, maxPixels);
  }

  setRate(settings: RateSettings): void {
    this.policy.setRate(settings);
  }

  requestKeyframe(): void {
    this.encoder.requestKeyframe();
  }

  /**
   * A decoded frame is ready: false when it must be skipped, over the link's budget (a keyframe
   * that was asked for still goes out). Returns the gap to the frame before, in pts ticks.
   */
  ready(pts: bigint): bigint | undefined {
    const gap = this.lastReadyPts === undefined ? FRAME_TICKS : pts - this.lastReadyPts;
    this.lastReadyPts = pts;
    if (!this.policy.mayEncode(this.encoder.keyframeDue)) return undefined;
    return gap > 0n && gap < MAX_GAP_TICKS ? gap : FRAME_TICKS;
  }

  /** Reopens the encoder when the camera's size, the size to send or the bitrate moved (see SendPolicy.plan). */
  plan(width: number, height: number, cameraSizeChanged: boolean): void {
    const plan = this.policy.plan(width, height, cameraSizeChanged);
    if (!plan.reopen) return;
    this.encoder.open(plan.width, plan.height, plan.bitrate);
    this.sent = { width: plan.width, height: plan.height };
  }

  /** Encodes a picture at the size sent (ChainRunner scales to it); what it cost decides the size of the next ones. */
  encode(yuv: Frame, gap: bigint): EncodedPicture | undefined {
    // The encoder's clock advances by the gap to the frame before: libvpx gives a frame the bits of
    // the time it covers, so frames skipped for the budget must not make the next one bigger.
    this.encoderPts += gap;
    yuv.pts = this.encoderPts;
    const encoded = this.encoder.encode(yuv, this.policy.recodeAbove);
    if (encoded) this.policy.encoded(encoded.data.byteLength, encoded.keyframe, encoded.quantiser, encoded.recodedFrom);
    return encoded;
  }

  dispose(): void {
    this.encoder.dispose();
  }
}
