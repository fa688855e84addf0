import { Frame, Packet, type CodecContext } from 'node-av/lib';
import { AVERROR_EAGAIN } from 'node-av/constants';
import type { VideoCodecName } from '../media/codecs.js';
import { timestampDelta } from '../media/rtp-math.js';
import { openDecoder } from './video-codec.js';

/**
 * Decodes every frame of a camera (inter frames depend on each one) and keeps only the newest for
 * the rest of the pipeline: `take()` hands it over; frames replaced before that are counted as
 * dropped to the newest. RTP timestamps become monotonic pts (they wrap at 2^32).
 */
export class VideoDecoder {
  private readonly decoder: CodecContext;
  /** The newest decoded frame; `scratch` receives the next one (receiving unrefs its target first). */
  private decoded = new Frame();
  private scratch = new Frame();
  private readonly packet = new Packet();
  private fresh = false;
  private replaced = 0;
  private ms = 0;
  private firstTimestamp?: number;
  private lastTimestamp?: number;
  private unwrapped = 0;

  constructor(codec: VideoCodecName, maxPixels: number) {
    this.decoder = openDecoder(codec, maxPixels);
    this.decoded.alloc();
    this.scratch.alloc();
    this.packet.alloc();
  }

  /** Feeds one encoded frame. Returns false when it could not be decoded (the caller asks for a keyframe). */
  decode(data: Uint8Array, timestamp: number): boolean {
    // Never an empty packet: with no data, FFmpeg reads it as "drain", after which it refuses every packet.
    if (data.byteLength === 0) return false;
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
        if (this.fresh) this.replaced++;
        this.fresh = true;
      }
    }
    this.ms += performance.now() - start;
    return ok;
  }

  /** A decoded frame is waiting to be taken. */
  get hasFresh(): boolean {
    return this.fresh;
  }

  /** The newest decoded frame, once: valid until the next decode(). */
  take(): Frame | undefined {
    if (!this.fresh) return undefined;
    this.fresh = false;
    return this.decoded;
  }

  /** Frames decoded and replaced by a newer one before they were taken, since the last call. */
  takeReplaced(): number {
    const count = this.replaced;
    this.replaced = 0;
    return count;
  }

  /** Time spent decoding since the last call (ms). */
  takeMs(): number {
    const ms = this.ms;
    this.ms = 0;
    return ms;
  }

  /** Size of the newest decoded frame (0x0 before the first). */
  get size(): { width: number; height: number } {
    return { width: this.decoded.width, height: this.decoded.height };
  }

  /** The RTP timestamp of a frame's pts. */
  rtpTimestamp(pts: bigint): number {
    return Number(BigInt.asUintN(32, pts + BigInt(this.firstTimestamp ?? 0)));
  }

  dispose(): void {
    this.decoder.freeContext();
    this.decoded.free();
    this.scratch.free();
    this.packet.free();
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
