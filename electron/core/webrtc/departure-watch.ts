/**
 * Says when a connected peer has gone without a goodbye (a killed browser, a phone out of Wi-Fi):
 * nothing at all has come from it for `quietMs`. "Anything" is what its DTLS transport received
 * (media, RTCP, DTLS and SCTP packets, on whatever socket they came) and the STUN requests and
 * responses of every candidate pair. A live
 * browser sends RTCP at least every second or two while media is negotiated, and ICE consent
 * checks every 4-6 s (RFC 7675) however idle it is; werift's own consent checks get answers every
 * ~5 s. Pure: fed samples of that count, with the time.
 */
/** Samples come each second; one later than this says the process, not the peer, was quiet. */
const STALL_MS = 2500;

/** Measured here with Chromium: with video flowing the peer is never quiet for more than ~0.1 s,
 * with its camera stopped ~0.9 s (RTCP goes on), with only an idle data channel ~2.6 s. */
export const MEDIA_QUIET_MS = 4000;
/** Without media only ICE consent checks come (Firefox: every 4-6 s). */
export const DATA_ONLY_QUIET_MS = 10_000;

export class DepartureWatch {
  private count = -1;
  private changedAt = 0;
  private sampledAt = -Infinity;

  constructor(private readonly quietMs: number) {}

  /** A new sample; true once the count has stood still for `quietMs`. */
  sample(count: number, now: number): boolean {
    // Samples far apart mean our own event loop stalled: packets that came meanwhile may still wait
    // in the socket, unread and uncounted. Judge nothing from such a gap; start the window again.
    const stalled = now - this.sampledAt > STALL_MS;
    this.sampledAt = now;
    if (count !== this.count || stalled) {
      this.count = count;
      this.changedAt = now;
      return false;
    }
    return now - this.changedAt >= this.quietMs;
  }

  /** How long nothing has come, at `now`. */
  quietFor(now: number): number {
    return now - this.changedAt;
  }
}

/**
 * What the peer has sent so far, from a werift getStats() report. Not the candidate pairs' packet
 * counts: werift counts data only on the socket of the pair it nominated, and two ends can settle
 * on different pairs (seen under load: live peers looked silent for 4 s and were dropped).
 */
export function receivedFromPeer(report: Iterable<Record<string, unknown>>): number {
  let count = 0;
  for (const stat of report) {
    if (stat.type === 'transport') count += Number(stat.packetsReceived ?? 0);
    if (stat.type === 'candidate-pair') count += Number(stat.requestsReceived ?? 0) + Number(stat.responsesReceived ?? 0);
  }
  return count;
}
