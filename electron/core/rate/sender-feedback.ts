import {
  ReceiverEstimatedMaxBitrate,
  RTP_EXTENSION_URI,
  RtcpPayloadSpecificFeedback,
  RtcpTransportLayerFeedback,
  TransportWideCC,
  type RTCRtpSender,
} from 'werift';
import { seqDelta } from '../media/rtp-math.js';
import { interceptSentRtp, senderExtensionId } from '../webrtc/werift-internals.js';
import { feedbackResults } from './feedback-results.js';
import type { LinkEstimator } from './link-estimate.js';

/** SRTP's authentication tag (AES_CM_128_HMAC_SHA1_80), part of every packet on the wire. */
const SRTP_TAG_BYTES = 10;

/**
 * Feeds a werift sender's packets and the browser's feedback on them into our estimator, at the
 * DTLS transport (transport-cc and REMB are about the whole transport, not one stream): sent packets
 * with the transport-wide number read from their header, and every transport-cc and REMB whatever
 * SSRC it names, which werift's own paths mis-number or drop (see docs/decisions.md, werift as the peer).
 */
export function attachLinkEstimator(sender: RTCRtpSender, estimator: LinkEstimator): () => void {
  const twccId = senderExtensionId(sender, RTP_EXTENSION_URI.transportWideCC);
  const transport = sender.dtlsTransport;
  let highest = -1;
  const restore = interceptSentRtp(transport, (payload, header) => {
    const extension = twccId === undefined ? undefined : header.extensions.find((e) => e.id === twccId);
    if (extension && extension.payload.length >= 2) {
      const seq = extension.payload.readUInt16BE(0);
      // Retransmissions carry their original number: only new numbers are sends.
      if (highest < 0 || seqDelta(seq, highest) >= 0) {
        highest = seq;
        estimator.packetSent(seq, payload.length + header.serializeSize + SRTP_TAG_BYTES);
      }
    }
  });
  const { unSubscribe } = transport.onRtcp.subscribe((packet) => {
    if (packet instanceof RtcpTransportLayerFeedback && packet.feedback instanceof TransportWideCC)
      estimator.onFeedback(feedbackResults(packet.feedback));
    else if (packet instanceof RtcpPayloadSpecificFeedback && packet.feedback instanceof ReceiverEstimatedMaxBitrate)
      estimator.onRemb(Number(packet.feedback.bitrate));
  });
  return () => {
    unSubscribe();
    restore();
  };
}
