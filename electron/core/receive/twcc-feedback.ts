import { PacketStatus, RecvDelta, RtcpHeader, RtcpTransportLayerFeedback, RunLengthChunk, TransportWideCC } from 'werift';
import { seqDelta } from '../media/rtp-math.js';

/** How often feedback goes out; libwebrtc's receiver sends it every 50-100 ms. */
const INTERVAL_MS = 50;
/** The longest sequence range one feedback covers (keeps packets bounded after a long gap). */
const MAX_RANGE = 2000;
const TICK_US = 250;
const REFERENCE_US = 64_000;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01),
 * which lets the browser ramp its send bitrate up to what the link carries. Replaces werift's
 * receiver, whose deltas drift (see docs/decisions.md, Congestion control, what the browser sends).
 * It has the shape werift's RTCRtpReceiver expects of `receiverTWCC`: `handleTWCC(tsn)` per packet.
 */
export class TwccFeedback {
  twccRunning = true;
  private readonly arrivals = new Map<number, number>();
  private base?: number;
  private highest?: number;
  private feedbackCount = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly send: (packet: RtcpTransportLayerFeedback) => void,
    private readonly senderSsrc: number,
    private readonly mediaSsrc: () => number,
    private readonly nowUs = () => performance.now() * 1000,
  ) {
    this.timer = setInterval(() => this.flush(), INTERVAL_MS);
    this.timer.unref();
  }

  handleTWCC(transportSequenceNumber: number): void {
    const seq = this.unwrap(transportSequenceNumber);
    if (this.base !== undefined && seq < this.base) return; // already reported as lost
    this.arrivals.set(seq, this.nowUs());
    this.base ??= seq;
    this.highest = Math.max(this.highest ?? seq, seq);
  }

  /** Builds and sends one feedback packet for everything since the last one. Exposed for tests. */
  flush(): RtcpTransportLayerFeedback | undefined {
    if (this.base === undefined || this.highest === undefined || this.arrivals.size === 0) return undefined;
    const base = Math.max(this.base, this.highest - MAX_RANGE);
    const statuses: PacketStatus[] = [];
    const deltas: RecvDelta[] = [];
    let firstArrival: number | undefined;
    for (let seq = base; seq <= this.highest; seq++) {
      const at = this.arrivals.get(seq);
      if (at !== undefined && firstArrival === undefined) firstArrival = at;
    }
    const referenceTime = Math.floor(firstArrival! / REFERENCE_US);
    let previousTicks = (referenceTime * REFERENCE_US) / TICK_US;
    for (let seq = base; seq <= this.highest; seq++) {
      const at = this.arrivals.get(seq);
      if (at === undefined) {
        statuses.push(PacketStatus.TypeTCCPacketNotReceived);
        continue;
      }
      const ticks = Math.round(at / TICK_US);
      const delta = Math.max(-32768, Math.min(32767, ticks - previousTicks));
      previousTicks += delta;
      const small = delta >= 0 && delta <= 255;
      const type = small ? PacketStatus.TypeTCCPacketReceivedSmallDelta : PacketStatus.TypeTCCPacketReceivedLargeDelta;
      statuses.push(type);
      deltas.push(new RecvDelta({ type, delta: delta * TICK_US }));
    }
    const chunks = runLengthChunks(statuses);
    const payloadBytes =
      16 + 2 * chunks.length + deltas.reduce((sum, d) => sum + (d.type === PacketStatus.TypeTCCPacketReceivedSmallDelta ? 1 : 2), 0);
    const packet = new RtcpTransportLayerFeedback({
      feedback: new TransportWideCC({
        senderSsrc: this.senderSsrc,
        mediaSourceSsrc: this.mediaSsrc(),
        baseSequenceNumber: base & 0xffff,
        packetStatusCount: statuses.length,
        referenceTime: referenceTime & 0xffffff,
        fbPktCount: this.feedbackCount,
        packetChunks: chunks,
        recvDeltas: deltas,
        // werift pads only when the header asks for it, and truncates the length otherwise.
        header: new RtcpHeader({ type: 205, count: TransportWideCC.count, version: 2, padding: payloadBytes % 4 !== 0 }),
      }),
    });
    this.feedbackCount = (this.feedbackCount + 1) & 0xff;
    for (const seq of this.arrivals.keys()) if (seq <= this.highest) this.arrivals.delete(seq);
    this.base = this.highest + 1;
    this.send(packet);
    return packet;
  }

  stop(): void {
    this.twccRunning = false;
    clearInterval(this.timer);
  }

  /** 16-bit transport sequence numbers -> a growing number line, relative to the highest seen. */
  private unwrap(seq: number): number {
    if (this.highest === undefined) return seq;
    return this.highest + seqDelta(seq, this.highest & 0xffff);
  }
}

function runLengthChunks(statuses: PacketStatus[]): RunLengthChunk[] {
  const chunks: RunLengthChunk[] = [];
  for (let i = 0; i < statuses.length;) {
    let run = 1;
    while (i + run < statuses.length && statuses[i + run] === statuses[i] && run < 8191) run++;
    chunks.push(new RunLengthChunk({ packetStatus: statuses[i], runLength: run }));
    i += run;
  }
  return chunks;
}
