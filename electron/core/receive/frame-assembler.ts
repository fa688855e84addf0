import { dePacketizeRtpPackets, type RtpPacket } from 'werift';
import { seqDelta } from '../media/rtp-math.js';
import { VIDEO_CODECS, type VideoCodecName } from '../media/codecs.js';
import type { AssembledFrame } from '../media/frames.js';

export interface AssemblerOutput {
  frames: AssembledFrame[];
  /** True when a frame was given up as lost: the caller should ask the sender for a keyframe. */
  lost: boolean;
}

/**
 * Frames that may wait for a retransmission before the oldest incomplete one is given up (and a
 * keyframe asked for: a freeze). 12 at 30 fps is 400 ms: room for a retransmission that is itself
 * lost and asked for again on a 100 ms round trip (see docs/decisions.md, Keyframe requests).
 */
const MAX_PENDING_FRAMES = 12;

const seqAfter = (seq: number) => (seq + 1) & 0xffff;

/**
 * RTP packets in, whole encoded frames out, in order. Packets of a frame are ordered by sequence
 * number; a frame is emitted only when it is complete (marker seen, no gap). When frames are lost,
 * the output stops until the next keyframe so the decoder never sees a broken reference chain.
 */
export class FrameAssembler {
  private readonly pending = new Map<number, RtpPacket[]>();
  private lastSeq?: number;
  private waitingForKeyframe = true;

  constructor(private readonly codec: VideoCodecName) {}

  push(packet: RtpPacket): AssemblerOutput {
    const { timestamp, sequenceNumber } = packet.header;
    if (this.lastSeq !== undefined && seqDelta(sequenceNumber, this.lastSeq) <= 0) return { frames: [], lost: false };
    const bucket = this.pending.get(timestamp) ?? [];
    if (!bucket.some((p) => p.header.sequenceNumber === sequenceNumber)) bucket.push(packet);
    this.pending.set(timestamp, bucket);
    return this.drain();
  }

  private drain(): AssemblerOutput {
    const frames: AssembledFrame[] = [];
    let lost = false;
    for (;;) {
      const oldest = this.oldestBucket();
      if (!oldest) break;
      const [timestamp, packets] = oldest;
      if (this.isComplete(packets, this.lastSeq)) {
        this.pending.delete(timestamp);
        this.lastSeq = packets[packets.length - 1].header.sequenceNumber;
        const frame = this.depacketize(packets, timestamp);
        if (frame.keyframe) this.waitingForKeyframe = false;
        if (!this.waitingForKeyframe) frames.push(frame);
        continue;
      }
      if (this.pending.size <= MAX_PENDING_FRAMES) break;
      // Give the oldest frame up: its missing packets are not coming in time.
      this.pending.delete(timestamp);
      this.lastSeq = undefined;
      this.waitingForKeyframe = true;
      lost = true;
    }
    return { frames, lost };
  }

  /** The bucket whose first packet is earliest in sequence order. */
  private oldestBucket(): [number, RtpPacket[]] | undefined {
    let best: [number, RtpPacket[]] | undefined;
    for (const entry of this.pending) {
      entry[1].sort((a, b) => seqDelta(a.header.sequenceNumber, b.header.sequenceNumber));
      if (!best || seqDelta(entry[1][0].header.sequenceNumber, best[1][0].header.sequenceNumber) < 0) best = entry;
    }
    return best;
  }

  private isComplete(packets: RtpPacket[], lastSeq: number | undefined): boolean {
    if (!packets[packets.length - 1].header.marker) return false;
    for (let i = 1; i < packets.length; i++) {
      if (packets[i].header.sequenceNumber !== seqAfter(packets[i - 1].header.sequenceNumber)) return false;
    }
    const first = packets[0];
    return lastSeq !== undefined ? first.header.sequenceNumber === seqAfter(lastSeq) : VIDEO_CODECS[this.codec].startsFrame(first.payload);
  }

  private depacketize(packets: RtpPacket[], timestamp: number): AssembledFrame {
    return new RtpFrame(this.codec, packets, timestamp);
  }
}

/**
 * A complete frame's packets; its payload is put together only when it is read: while forwarding,
 * nobody decodes or records most frames, and depacketizing is costly (see docs/decisions.md, Forwarding).
 */
class RtpFrame implements AssembledFrame {
  readonly keyframe: boolean;
  private payload?: Buffer;

  constructor(
    private readonly codec: VideoCodecName,
    readonly packets: RtpPacket[],
    readonly timestamp: number,
  ) {
    this.keyframe = VIDEO_CODECS[codec].isKeyframe(packets);
  }

  /** Empty when the packets do not hold a valid payload: werift's depacketizer throws on, e.g., a STAP-A whose NAL sizes overrun it. */
  get data(): Buffer {
    return (this.payload ??= payloadOf(this.codec, this.packets));
  }
}

function payloadOf(codec: VideoCodecName, packets: RtpPacket[]): Buffer {
  try {
    return dePacketizeRtpPackets(VIDEO_CODECS[codec].depacketizer, packets).data;
  } catch {
    return Buffer.alloc(0);
  }
}
