import { Packet, type CodecContext, type Frame } from 'node-av/lib';
import { AV_PICTURE_TYPE_I, AV_PICTURE_TYPE_NONE, AV_PKT_DATA_QUALITY_STATS } from 'node-av/constants';
import { VIDEO_CODECS, type VideoCodecName } from '../media/codecs.js';
import { openEncoder, type EncoderSettings } from './video-codec.js';

const FF_QP2LAMBDA = 118;

export interface EncodedPicture {
  data: Uint8Array;
  keyframe: boolean;
  /** The encoder's quantiser for it, as a share of the codec's range (0 finest, 1 coarsest). */
  quantiser: number;
  /** A scene cut's inter frame, of this many bytes, was thrown away and its picture coded again as this keyframe (see VideoEncoder). */
  recodedFrom?: number;
}

/**
 * A real-time encoder for one camera, reopened at a new size or bitrate (FFmpeg's libvpx and
 * libx264 wrappers ignore bit_rate changes once open): each reopening starts with a keyframe, and
 * one can be asked for at any time (a PLI, a viewer joining). A scene cut's oversized inter frame
 * (over `recodeAbove` bits) is thrown away, unseen by the decoder, and its picture coded again as the
 * first frame of a fresh encoder: libvpx caps keyframes, not the first inter frame after a cut
 * (see docs/decisions.md, Scene cuts).
 */
export class VideoEncoder {
  private encoder?: CodecContext;
  private opened?: EncoderSettings;
  private readonly packet = new Packet();
  private keyframeAsked = true;

  constructor(
    private readonly codec: VideoCodecName,
    private readonly maxPixels: number,
  ) {
    this.packet.alloc();
  }

  open(width: number, height: number, bitrate: number): void {
    this.encoder?.freeContext();
    this.encoder = openEncoder(this.codec, { width, height, bitrate }, this.maxPixels);
    this.opened = { width, height, bitrate };
    this.keyframeAsked = true;
  }

  requestKeyframe(): void {
    this.keyframeAsked = true;
  }

  /** The next frame will be a keyframe. */
  get keyframeDue(): boolean {
    return this.keyframeAsked;
  }

  /**
   * Encodes `frame`; an inter frame over `recodeAbove` bits is coded again as a keyframe (see
   * above; VP8 only: our x264 settings put no cap on its keyframes).
   */
  encode(frame: Frame, recodeAbove = Infinity): EncodedPicture | undefined {
    const picture = this.encodeOnce(frame);
    if (!picture || picture.keyframe || !VIDEO_CODECS[this.codec].recodesSceneCuts || picture.data.byteLength * 8 <= recodeAbove)
      return picture;
    const { width, height, bitrate } = this.opened!;
    this.open(width, height, bitrate);
    const recoded = this.encodeOnce(frame);
    return recoded && { ...recoded, recodedFrom: picture.data.byteLength };
  }

  private encodeOnce(frame: Frame): EncodedPicture | undefined {
    const encoder = this.encoder;
    if (!encoder) throw new Error('the encoder is not open');
    frame.pictType = this.keyframeAsked ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    this.keyframeAsked = false;
    if (encoder.sendFrameSync(frame) < 0) throw new Error('encoder rejected a frame');
    const chunks: Buffer[] = [];
    let keyframe = false;
    let quantiser = 0;
    while (encoder.receivePacketSync(this.packet) >= 0) {
      chunks.push(Buffer.from(this.packet.data!));
      keyframe ||= this.packet.isKeyframe;
      // FFmpeg's encoder stats: the frame's quantiser as a lambda (QP x FF_QP2LAMBDA).
      const stats = this.packet.getSideData(AV_PKT_DATA_QUALITY_STATS);
      if (stats) quantiser = Math.min(1, stats.readInt32LE(0) / FF_QP2LAMBDA / VIDEO_CODECS[this.codec].maxQuantiser);
      this.packet.unref();
    }
    if (chunks.length === 0) return undefined;
    return { data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), keyframe, quantiser };
  }

  dispose(): void {
    this.encoder?.freeContext();
    this.packet.free();
  }
}
