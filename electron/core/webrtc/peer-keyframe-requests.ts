import { PictureLossIndication, RtcpPayloadSpecificFeedback, type RTCRtpSender } from 'werift';
import type { GuardCounts } from '../base/guard-counts.js';
import { RateGate } from '../base/rate-gate.js';
import { limitRetransmissions } from './retransmit-limit.js';

/** RFC 5104's FIR, as werift parses it (its class is not exported). */
const FIR_COUNT = 4;

/**
 * Calls `onRequest` for every keyframe request (PLI, or FIR) the peer sends about `sender`'s stream;
 * returns the unsubscribe. Read at the DTLS transport: werift's router hands a browser's PLI, signed
 * with its camera's SSRC, to our receiver, never to sender.onPictureLossIndication (see
 * docs/decisions.md, werift as the peer).
 */
export function onPeerKeyframeRequest(sender: RTCRtpSender, onRequest: () => void): () => void {
  const { unSubscribe } = sender.dtlsTransport.onRtcp.subscribe((packet) => {
    if (!(packet instanceof RtcpPayloadSpecificFeedback)) return;
    const feedback = packet.feedback;
    if (feedback instanceof PictureLossIndication) {
      if (feedback.mediaSsrc === sender.ssrc) onRequest();
    } else if (feedback?.count === FIR_COUNT && 'fir' in feedback) {
      if (feedback.fir.some((entry) => entry.ssrc === sender.ssrc)) onRequest();
    }
  });
  return unSubscribe;
}

/** Keyframes made for a peer's requests: at most one per this long, later requests merged into it. */
const PEER_KEYFRAME_INTERVAL_MS = 500;

/**
 * What the peer receiving `sender`'s stream (and other peers watching it) may ask of us, limited:
 * keyframe requests merged to one per PEER_KEYFRAME_INTERVAL_MS (`keyframe()` is how the others
 * ask), NACKs served within RetransmitLimit. `stop` undoes it.
 */
export function limitPeerRequests(sender: RTCRtpSender, makeKeyframe: () => void, counts: GuardCounts): { keyframe(): void; stop(): void } {
  const gate = new RateGate(makeKeyframe, PEER_KEYFRAME_INTERVAL_MS, () => counts.keyframeRequestsMerged++);
  const stops = [onPeerKeyframeRequest(sender, () => gate.call()), limitRetransmissions(sender, counts), () => gate.stop()];
  return { keyframe: () => gate.call(), stop: () => stops.forEach((stop) => stop()) };
}
