/**
 * Says when a connected peer has gone without a goodbye (a killed browser, a phone out of Wi-Fi):
 * nothing at all has come from it for `quietMs`: nothing its DTLS transport received (media, RTCP,
 * DTLS, SCTP, on any socket) and no STUN request or response on any candidate pair. A live browser
 * sends RTCP every second or two with media, and ICE consent checks every 4-6 s (RFC 7675) however
 * idle. Pure: fed samples of that count, with the time.
 */
/** Samples come each second; one later than this says the process, not the peer, was quiet. */
const STALL_MS = 2500;

/** Well above a live peer's longest quiet spell with media negotiated, even with its camera stopped (see docs/decisions.md, Departures). */
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
 * on different pairs, so live peers looked silent (see docs/decisions.md, Departures).
 */
export function receivedFromPeer(report: Iterable<Record<string, unknown>>): number {
  let count = 0;
  for (const stat of report) {
    if (stat.type === 'transport') count += Number(stat.packetsReceived ?? 0);
    if (stat.type === 'candidate-pair') count += Number(stat.requestsReceived ?? 0) + Number(stat.responsesReceived ?? 0);
  }
  return count;
}
