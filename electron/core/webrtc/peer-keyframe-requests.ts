import { PictureLossIndication, RtcpPayloadSpecificFeedback, type RTCRtpSender } from 'werift';

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
