import { GenericNack, RtcpTransportLayerFeedback, type RTCRtpSender } from 'werift';
import type { GuardCounts } from '../base/guard-counts.js';
import { seqDelta } from '../media/rtp-math.js';
import { newestSentSequence, watchSenderRtcp, WERIFT_RTP_HISTORY } from './werift-internals.js';

/** A packet is resent at most this many times... */
const MAX_RESENDS = 2;
/** ...and not again within this long of its last resend (that one may still be on its way). */
const MIN_RESEND_GAP_MS = 100;

/**
 * Which NACKed packets are resent: each at most MAX_RESENDS times, MIN_RESEND_GAP_MS apart, so what
 * NACKs can make us send is bounded by what we sent (a loss that needs more is repaired by a
 * keyframe). Only the packets werift still holds count; it resends nothing older anyway. Pure.
 */
export class RetransmitLimit {
  private readonly seqs = new Int32Array(WERIFT_RTP_HISTORY).fill(-1);
  private readonly resends = new Uint8Array(WERIFT_RTP_HISTORY);
  private readonly lastAt = new Float64Array(WERIFT_RTP_HISTORY);

  /** Whether to resend `seq`, given the newest sequence number sent; `refused`: one werift would have resent. */
  allow(seq: number, newest: number, now: number): { resend: boolean; refused: boolean } {
    const age = seqDelta(newest, seq);
    if (age < 0 || age >= WERIFT_RTP_HISTORY) return { resend: false, refused: false };
    const slot = seq % WERIFT_RTP_HISTORY;
    if (this.seqs[slot] !== seq) {
      this.seqs[slot] = seq;
      this.resends[slot] = 0;
      this.lastAt[slot] = -Infinity;
    }
    if (this.resends[slot]! >= MAX_RESENDS || now - this.lastAt[slot]! < MIN_RESEND_GAP_MS) return { resend: false, refused: true };
    this.resends[slot]!++;
    this.lastAt[slot] = now;
    return { resend: true, refused: false };
  }
}

/**
 * Limits what a peer's NACKs make `sender` resend (werift resends every packet a NACK names, at
 * once, on the main thread, however often it is asked). Returns the undo.
 */
export function limitRetransmissions(sender: RTCRtpSender, counts: GuardCounts): () => void {
  const limit = new RetransmitLimit();
  return watchSenderRtcp(sender, (packet) => {
    if (!(packet instanceof RtcpTransportLayerFeedback) || !(packet.feedback instanceof GenericNack)) return;
    const newest = newestSentSequence(sender);
    const nack = packet.feedback;
    const now = performance.now();
    nack.lost = nack.lost.filter((seq) => {
      if (newest === undefined) return false;
      const { resend, refused } = limit.allow(seq, newest, now);
      if (refused) counts.retransmissionsRefused++;
      return resend;
    });
  });
}
