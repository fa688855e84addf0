import type { RTCPeerConnection } from 'werift';

export interface NetworkStats {
  receivedBps: number;
  sentBps: number;
  rttMs: number | null;
  /** Video packets lost from the peer over the last second, in % (null before two reports). */
  lossInPct: number | null;
  /** Video packets lost on their way to the peer, in %, as its last receiver report says (null before one). */
  lossOutPct: number | null;
}

/** Bitrate each way and round-trip time of a peer, from werift's getStats() once a second. */
export class NetworkSampler {
  stats: NetworkStats = { receivedBps: 0, sentBps: 0, rttMs: null, lossInPct: null, lossOutPct: null };
  private lastBytes?: { at: number; received: number; sent: number; packets: number; lost: number };
  private readonly timer: NodeJS.Timeout;

  /** `onReport`: each report, for other readers of the same stats (see DepartureWatch). */
  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly onReport: (report: Record<string, unknown>[]) => void = () => {},
  ) {
    this.timer = setInterval(() => void this.sample(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    // Not only while 'connected': a peer that vanished is seen through ICE's 'disconnected' too.
    if (this.pc.connectionState === 'new' || this.pc.connectionState === 'connecting' || this.pc.connectionState === 'closed') return;
    const report = await this.pc.getStats().catch(() => undefined);
    if (!report) return;
    this.onReport([...(report.values() as Iterable<Record<string, unknown>>)]);
    let received = 0;
    let sent = 0;
    let rtt: number | null = null;
    let lossOut: number | null = null;
    let packets = 0;
    let lost = 0;
    for (const stat of report.values() as Iterable<Record<string, unknown>>) {
      if (stat.type === 'transport') {
        received += Number(stat.bytesReceived ?? 0);
        sent += Number(stat.bytesSent ?? 0);
      }
      if (stat.type === 'remote-inbound-rtp' && stat.kind === 'video' && typeof stat.roundTripTime === 'number')
        rtt = stat.roundTripTime * 1000;
      if (stat.type === 'remote-inbound-rtp' && stat.kind === 'video' && typeof stat.fractionLost === 'number')
        lossOut = stat.fractionLost * 100;
      if (stat.type === 'inbound-rtp' && stat.kind === 'video') {
        packets += Number(stat.packetsReceived ?? 0);
        lost += Number(stat.packetsLost ?? 0);
      }
    }
    const now = performance.now();
    const last = this.lastBytes;
    if (last) {
      const seconds = (now - last.at) / 1000;
      this.stats = {
        receivedBps: Math.round(((received - last.received) * 8) / seconds),
        sentBps: Math.round(((sent - last.sent) * 8) / seconds),
        rttMs: rtt,
        lossInPct: lossPercent(packets - last.packets, lost - last.lost),
        lossOutPct: lossOut,
      };
    }
    this.lastBytes = { at: now, received, sent, packets, lost };
  }
}

/** Lost packets as a % of those expected (received + lost); 0 when none were expected. */
function lossPercent(received: number, lost: number): number {
  const expected = received + Math.max(0, lost);
  return expected > 0 ? (Math.max(0, lost) * 100) / expected : 0;
}
