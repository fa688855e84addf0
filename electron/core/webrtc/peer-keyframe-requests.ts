import { PictureLossIndication, RtcpPayloadSpecificFeedback, type RTCRtpSender } from 'werift';

/** RFC 5104's FIR, as werift parses it (its class is not exported). */
const FIR_COUNT = 4;

/**
 * Calls `onRequest` for every keyframe request (PLI, or FIR) the peer sends about `sender`'s stream;
 * returns the unsubscribe. Read at the DTLS transport, not from werift's
 * sender.onPictureLossIndication: werift's router gives a PLI to whatever it knows by the packet's
 * *sender* SSRC first, and a browser that sends video signs its feedback with its own camera's
 * SSRC, which werift knows as our receiver, and that ignores it. Measured with Chromium as the phone:
 * 33 PLIs of 33 went to our receiver, none to our sender, so a phone whose first keyframe was lost
 * beyond NACK's repair asked for another for ever and never got it (no picture in 8 s, CI's loss
 * test). A viewer, which sends nothing, signs with an SSRC werift does not know, and was served.
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
