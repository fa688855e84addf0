import type { MediaStreamTrack, RTCRtpSender, RtpPacket } from 'werift';
import type { AssembledFrame, VideoSample } from '../media/frames.js';
import type { Packetizer } from './packetizer.js';
import { OutputTimestamps } from './output-timestamps.js';
import { KEYFRAME_QUEUE_MS, FRAME_QUEUE_MS, Pacer } from './pacer.js';

/** One frame at 30 fps on the 90 kHz clock: the gap we leave in timestamps at a source switch. */
const FRAME_TICKS = 3000;
/** RTP header with our extensions, SRTP tag, UDP/IP: what a packet adds to its payload on the wire. */
const PACKET_OVERHEAD_BYTES = 60;

/**
 * What goes back to the camera (and to the viewers): its own packets, untouched, while forwarding,
 * or our processed frames, paced; Forwarding decides which, this carries it out. The sender's
 * continuity offsets keep sequence numbers and timestamps seamless across a switch.
 */
export class VideoOutput {
  /** Processed frames go out stamped when they leave us (see OutputTimestamps). */
  private readonly stamps = new OutputTimestamps();
  framesSent = 0;
  /** Sees every frame sent back (forwarded or processed), e.g. to record the processed video. */
  onSent?: (frame: VideoSample) => void;
  /** Other receivers of the same packets (the panel's preview): no second encode. */
  private readonly mirrors = new Set<{ sender: RTCRtpSender; track: MediaStreamTrack }>();
  /** Our processed frames go back through it; the browser's forwarded packets were paced by the browser. */
  private readonly pacer = new Pacer<RtpPacket>(
    (packet) => this.write(packet),
    (packet) => packet.payload.length + PACKET_OVERHEAD_BYTES,
  );

  addMirror(sender: RTCRtpSender, track: MediaStreamTrack): () => void {
    const mirror = { sender, track };
    this.mirrors.add(mirror);
    return () => this.mirrors.delete(mirror);
  }

  constructor(
    private readonly sender: RTCRtpSender,
    private readonly track: MediaStreamTrack,
    private readonly packetizer: Packetizer,
    /** The id the camera negotiated for SOURCE_TIMESTAMP_URI, if it offered it (see media-config). */
    private readonly sourceTimestampId?: number,
  ) {}

  /** The link's estimated rate back to the browser: the pacer's rate follows it. */
  setLinkRate(bps: number): void {
    this.pacer.setLinkRate(bps);
  }

  stop(): void {
    this.pacer.stop();
  }

  /** A camera frame arrived: a processed frame made from it is stamped from this moment (see OutputTimestamps). */
  arrived(timestamp: number): void {
    this.stamps.arrived(timestamp);
  }

  /** A camera packet straight back (forwarding), retransmissions included, with no wait for the rest of its frame. */
  forward(packet: RtpPacket): void {
    // The camera's header extensions (its transport-cc numbers) must not leak into ours.
    packet.header.extensions = [];
    // Already paced by the camera; nothing of ours is queued while forwarding (a switch flushes).
    this.write(packet);
  }

  /** Forwarding takes over at this camera keyframe, whose packets came while processed frames still went back. */
  switchToCamera(frame: AssembledFrame): void {
    this.switchSource(frame.packets[0]!);
    for (const packet of frame.packets) this.forward(packet);
  }

  /** A camera frame went back as it came. */
  forwarded(frame: VideoSample): void {
    this.framesSent++;
    this.onSent?.(frame);
  }

  /** A processed frame goes back, paced; `switching`: it is the keyframe that takes over from the camera's packets. */
  sendProcessed(frame: { data: Uint8Array; timestamp: number; keyframe: boolean; time?: number }, switching: boolean): void {
    const data = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
    const timestamp = this.stamps.stamp(frame.timestamp);
    const packets = this.packetizer.packetize(data, timestamp);
    if (this.sourceTimestampId !== undefined) {
      const source = Buffer.alloc(4);
      source.writeUInt32BE(frame.timestamp >>> 0);
      packets.at(-1)!.header.extensions = [{ id: this.sourceTimestampId, payload: source }];
    }
    if (switching) this.switchSource(packets[0]!);
    this.framesSent++;
    this.onSent?.({ data, timestamp, keyframe: frame.keyframe, time: frame.time });
    this.pacer.enqueue(packets, frame.keyframe ? KEYFRAME_QUEUE_MS : FRAME_QUEUE_MS);
  }

  private write(packet: RtpPacket): void {
    this.track.writeRtp(packet);
    if (!this.mirrors.size) return;
    // The source-timestamp extension is the camera's alone (werift would send it on as it is).
    const forMirrors = packet.header.extensions.length ? withoutExtensions(packet) : packet;
    for (const mirror of this.mirrors) mirror.track.writeRtp(forMirrors);
  }

  private switchSource(first: RtpPacket): void {
    // What is queued belongs to the old source and its offsets.
    this.pacer.flush();
    this.sender.replaceRTP(first.header, false, FRAME_TICKS);
    for (const mirror of this.mirrors) mirror.sender.replaceRTP(first.header, false, FRAME_TICKS);
  }
}

function withoutExtensions(packet: RtpPacket): RtpPacket {
  const copy = packet.clone();
  copy.header.extensions = [];
  return copy;
}
