import {
  MediaStreamTrack,
  PictureLossIndication,
  RTCPeerConnection,
  RtcpPayloadSpecificFeedback,
  RtpHeader,
  RtpPacket,
  useH264,
  useVP8,
  Vp8RtpPayload,
  type RTCRtpTransceiver,
} from 'werift';
import { SOURCE_TIMESTAMP_URI, useSourceTimestamp } from '../../electron/core/webrtc/media-config.js';
import type { ClipCodec } from './clip.js';

/** One RTP payload of a frame; the peer gives it its sequence number and timestamp. */
export interface Chunk {
  payload: Buffer;
  marker: boolean;
}

/** What a hostile peer sends: `next()` gives each frame's payloads, `fps` frames a second. */
export interface FrameSource {
  readonly fps: number;
  next(): Chunk[];
  /** The server asked for a keyframe (PLI or FIR), as a phone's encoder would hear it. */
  keyframe?(): void;
}

/** Anything werift's DTLS transport can send as RTCP (werift's classes, or bytes of our own). */
export interface RawRtcp {
  serialize(): Buffer;
}

/** A frame the server sent back: when, and which frame of ours it was made from (its source-timestamp extension). */
export interface ReturnedFrame {
  at: number;
  source?: number;
}

/**
 * A phone without a browser that sends whatever its FrameSource makes, valid or not, over a real
 * call (POST /offer, ICE, DTLS, SRTP), and counts the frames the server sends back. Sequence
 * numbers and timestamps stay continuous whatever the source, so a source that turns good again
 * is a camera the server can resume.
 */
export class HostilePeer {
  /** Frames back (RTP marker bits, each sequence number once: a retransmission is not a frame), oldest first. */
  readonly returned: ReturnedFrame[] = [];
  readonly sent = { frames: 0, packets: 0, bytes: 0 };
  /** Packets the server sent us: all, those again (retransmissions: sequence numbers seen before), and VP8 keyframes begun. */
  readonly received = { packets: 0, repeated: 0, keyframes: 0 };
  /** PLIs and FIRs the server sent about our stream. */
  keyframeRequests = 0;
  /** The server's SSRC for what it sends us. */
  serverSsrc?: number;
  /** Sequence numbers of the server's packets seen, unwrapped: the first and the newest. */
  serverSeqs?: { first: number; last: number };
  private readonly pc: RTCPeerConnection;
  private readonly track = new MediaStreamTrack({ kind: 'video' });
  private readonly transceiver: RTCRtpTransceiver;
  private seq = Math.floor(Math.random() * 0x10000);
  private timestamp = Math.floor(Math.random() * 0x1_0000_0000);
  private source: FrameSource;
  private sourceStart = 0;
  private sourceFrames = 0;
  private timer?: NodeJS.Timeout;
  private sourceTimestampId?: number;
  private lastCounted?: number;

  constructor(
    readonly codec: ClipCodec,
    source: FrameSource,
  ) {
    this.source = source;
    this.pc = new RTCPeerConnection({
      codecs: { video: [codec === 'vp8' ? useVP8() : useH264()] },
      headerExtensions: { video: [useSourceTimestamp()] },
    });
    this.transceiver = this.pc.addTransceiver(this.track, { direction: 'sendrecv' });
  }

  /** Offers (POST /offer, as a phone) and connects; sends nothing until start(). */
  async connect(serverUrl: string, transform: string): Promise<void> {
    this.transceiver.onTrack.subscribe((incoming) => incoming.onReceiveRtp.subscribe((packet) => this.onPacket(packet)));
    await this.pc.setLocalDescription(await this.pc.createOffer());
    while (this.pc.iceGatheringState !== 'complete') await new Promise((r) => setTimeout(r, 10));
    const response = await fetch(`${serverUrl}/offer`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sdp: this.pc.localDescription!.sdp, type: 'offer', video_transform: transform }),
    });
    if (!response.ok) throw new Error(`offer refused: ${response.status} ${await response.text()}`);
    const connected = new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`no connection within 30 s (${this.pc.connectionState})`)), 30_000);
      this.pc.connectionStateChange.subscribe((state) => state === 'connected' && (clearTimeout(timeout), resolve()));
    });
    await this.pc.setRemoteDescription((await response.json()) as { sdp: string; type: 'answer' });
    this.sourceTimestampId = this.transceiver.headerExtensions.find((e) => e.uri === SOURCE_TIMESTAMP_URI)?.id;
    await connected;
    this.transceiver.dtlsTransport.onRtcp.subscribe((packet) => {
      if (!(packet instanceof RtcpPayloadSpecificFeedback)) return;
      const { feedback } = packet;
      const ssrc = this.transceiver.sender.ssrc;
      const ours =
        feedback instanceof PictureLossIndication
          ? feedback.mediaSsrc === ssrc
          : 'fir' in feedback && feedback.fir.some((entry) => entry.ssrc === ssrc);
      if (!ours) return;
      this.keyframeRequests++;
      this.source.keyframe?.();
    });
  }

  /** Starts sending (connect() does not: the caller may have more to do first). */
  start(): void {
    this.use(this.source);
    this.timer ??= setInterval(() => this.tick(), 5);
  }

  /** Sends from `source` from now on (its first frame at once). */
  use(source: FrameSource): void {
    this.source = source;
    this.sourceStart = performance.now();
    this.sourceFrames = 0;
  }

  /** Our SSRC (what our RTCP is signed with). */
  get ssrc(): number {
    return this.transceiver.sender.ssrc;
  }

  /** The RTP timestamp the next frame will carry. */
  get nextTimestamp(): number {
    return this.timestamp;
  }

  async sendRtcp(packets: RawRtcp[]): Promise<void> {
    await this.transceiver.dtlsTransport.sendRtcp(packets as never);
  }

  /** Leaves with an RTCP BYE (the server closes the session at once), then closes. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.pc.connectionState === 'connected') {
      const bye = Buffer.from([0x81, 203, 0, 1, 0, 0, 0, 0]);
      bye.writeUInt32BE(this.transceiver.sender.ssrc, 4);
      await this.sendRtcp([{ serialize: () => bye }]).catch(() => {});
    }
    await this.pc.close();
  }

  private tick(): void {
    const { fps } = this.source;
    const due = Math.floor(((performance.now() - this.sourceStart) * fps) / 1000);
    // Behind by more than a second (a stalled event loop): skip ahead rather than burst.
    if (due - this.sourceFrames > fps) this.sourceFrames = due;
    for (; this.sourceFrames <= due; this.sourceFrames++) this.sendFrame(this.source.next(), Math.round(90_000 / fps));
  }

  private sendFrame(chunks: Chunk[], ticks: number): void {
    const payloadType = this.transceiver.sender.codec?.payloadType ?? 96;
    for (const { payload, marker } of chunks) {
      this.track.writeRtp(
        new RtpPacket(new RtpHeader({ sequenceNumber: this.seq, timestamp: this.timestamp, marker, payloadType }), payload),
      );
      this.seq = (this.seq + 1) & 0xffff;
      this.sent.packets++;
      this.sent.bytes += payload.length;
    }
    this.sent.frames++;
    this.timestamp = (this.timestamp + ticks) >>> 0;
  }

  private onPacket(packet: RtpPacket): void {
    const { sequenceNumber, ssrc, marker } = packet.header;
    this.serverSsrc ??= ssrc;
    if (!this.serverSeqs) this.serverSeqs = { first: sequenceNumber, last: sequenceNumber };
    const ahead = ((sequenceNumber - this.serverSeqs.last + 0x8000) & 0xffff) - 0x8000;
    if (ahead > 0) this.serverSeqs.last += ahead;
    this.received.packets++;
    if (ahead <= 0 && this.received.packets > 1) this.received.repeated++;
    if (this.codec === 'vp8' && ahead > 0 && Vp8RtpPayload.deSerialize(packet.payload).isKeyframe) this.received.keyframes++;
    if (
      !marker ||
      (this.lastCounted !== undefined && ((sequenceNumber - this.lastCounted) & 0xffff) >= 0x8000) ||
      sequenceNumber === this.lastCounted
    )
      return;
    this.lastCounted = sequenceNumber;
    const source = packet.header.extensions.find((e) => e.id === this.sourceTimestampId);
    this.returned.push({
      at: performance.now(),
      source: source && source.payload.length >= 4 ? source.payload.readUInt32BE(0) : undefined,
    });
    if (this.returned.length > 5000) this.returned.splice(0, 1000);
  }
}
