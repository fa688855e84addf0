import type { MediaStreamTrack, RTCRtpSender, RtpPacket } from 'werift';
import type { AssembledFrame, VideoSample } from '../media/frames.js';
import type { Packetizer } from './packetizer.js';
import { Forwarding } from './forwarding.js';
import { OutputTimestamps } from './output-timestamps.js';
import { KEYFRAME_QUEUE_MS, FRAME_QUEUE_MS, Pacer } from './pacer.js';

/** One frame at 30 fps on the 90 kHz clock: the gap we leave in timestamps at a source switch. */
const FRAME_TICKS = 3000;
/** RTP header with our extensions, SRTP tag, UDP/IP: what a packet adds to its payload on the wire. */
const PACKET_OVERHEAD_BYTES = 60;

/**
 * What goes back to the browser (and to the viewers): its own packets, untouched, while the chain
 * leaves the picture alone (no decode/encode cost), or our processed frames (see Forwarding for
 * when it switches). The sender's continuity offsets keep sequence numbers and timestamps seamless
 * across a switch.
 */
export class VideoOutput {
  private readonly state: Forwarding;
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
    private readonly askBrowserForKeyframe: () => void,
    forwarding: boolean,
    /** The id the camera negotiated for SOURCE_TIMESTAMP_URI, if it offered it (see media-config). */
    private readonly sourceTimestampId?: number,
  ) {
    this.state = new Forwarding(forwarding);
  }

  /** The link's estimated rate back to the browser: the pacer's rate follows it. */
  setLinkRate(bps: number): void {
    this.pacer.setLinkRate(bps);
  }

  stop(): void {
    this.pacer.stop();
  }

  get forwarding(): boolean {
    return this.state.now;
  }

  /** Forwarding, and meant to stay so: processed frames are not needed. */
  get forwardingSettled(): boolean {
    return this.state.settled;
  }

  /**
   * The chain changed. Into forwarding: keep sending processed frames until the browser's next
   * keyframe (asked for now). Out of it: the worker's first encoded frame (a keyframe) switches.
   */
  setForwarding(forward: boolean): void {
    if (this.state.want(forward)) this.askBrowserForKeyframe();
  }

  /**
   * Each RTP packet from the browser, as it arrives: while forwarding, it goes straight back
   * (retransmissions included), like an echo, with no wait for the rest of its frame.
   */
  fromBrowserPacket(packet: RtpPacket): void {
    if (this.state.now) this.forward(packet);
  }

  /** Each frame assembled from the browser. Returns true when this frame switched us to forwarding. */
  fromBrowser(frame: AssembledFrame): boolean {
    if (!this.state.settled) this.stamps.arrived(frame.timestamp);
    const switched = this.state.browserFrame(frame.keyframe);
    if (switched) {
      this.switchSource(frame.packets[0]);
      // This keyframe's packets came while we were still sending processed frames.
      for (const packet of frame.packets) this.forward(packet);
    }
    if (this.state.now) {
      this.framesSent++;
      this.onSent?.(frame);
    }
    return switched;
  }

  private forward(packet: RtpPacket): void {
    // The browser's header extensions (its transport-cc numbers) must not leak into ours.
    packet.header.extensions = [];
    // Already paced by the browser; nothing of ours is queued while forwarding (a switch flushes).
    this.write(packet);
  }

  processed(frame: { data: Uint8Array; timestamp: number; keyframe: boolean }): void {
    const verdict = this.state.processedFrame(frame.keyframe);
    if (verdict === 'drop') return;
    const data = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
    const timestamp = this.stamps.stamp(frame.timestamp);
    const packets = this.packetizer.packetize(data, timestamp);
    if (this.sourceTimestampId !== undefined) {
      const source = Buffer.alloc(4);
      source.writeUInt32BE(frame.timestamp >>> 0);
      packets.at(-1)!.header.extensions = [{ id: this.sourceTimestampId, payload: source }];
    }
    if (verdict === 'switch') this.switchSource(packets[0]);
    this.framesSent++;
    this.onSent?.({ data, timestamp, keyframe: frame.keyframe });
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
