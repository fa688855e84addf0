import { ReceiverEstimatedMaxBitrate, RTP_EXTENSION_URI, RtcpPayloadSpecificFeedback, type RTCRtpSender, type RtpHeader, type TransportWideCC } from 'werift';
import { feedbackResults } from './feedback-results.js';
import type { SendRateEstimator } from './send-rate.js';

/** SRTP's authentication tag (AES_CM_128_HMAC_SHA1_80), part of every packet on the wire. */
const SRTP_TAG_BYTES = 10;

/**
 * Feeds a werift sender's packets and the browser's feedback on them into our estimator.
 * - Sent packets are seen at the DTLS transport, where their transport-wide sequence number is in
 *   the header: werift's own report (senderBWE.rtpPacketSent) reads the transport's counter after
 *   an await, so a frame's packets all get the last packet's number.
 * - werift hands transport-cc feedback to `sender.senderBWE.receiveTWCC`; ours takes that place.
 * - REMB comes through onRtcp.
 */
export function attachSendRateEstimator(sender: RTCRtpSender, estimator: SendRateEstimator): () => void {
  const { headerExtensions } = sender as unknown as { headerExtensions: { uri: string; id: number }[] };
  const twccId = headerExtensions.find((e) => e.uri === RTP_EXTENSION_URI.transportWideCC)?.id;
  const transport = sender.dtlsTransport;
  const sendRtp = transport.sendRtp;
  let highest = -1;
  transport.sendRtp = function (payload: Buffer, header: RtpHeader) {
    const extension = twccId === undefined ? undefined : header.extensions.find((e) => e.id === twccId);
    if (extension && extension.payload.length >= 2) {
      const seq = extension.payload.readUInt16BE(0);
      // Retransmissions carry their original number: only new numbers are sends.
      if (highest < 0 || ((seq - highest) & 0xffff) < 0x8000) {
        highest = seq;
        estimator.packetSent(seq, payload.length + header.serializeSize + SRTP_TAG_BYTES);
      }
    }
    return sendRtp.call(this, payload, header);
  };
  const bwe = { rtpPacketSent: () => {}, receiveTWCC: (feedback: TransportWideCC) => estimator.onFeedback(feedbackResults(feedback)) };
  // werift declares it readonly; the property itself is writable (checked in 0.25.2, which is pinned).
  (sender as unknown as { senderBWE: typeof bwe }).senderBWE = bwe;
  const { unSubscribe } = sender.onRtcp.subscribe((packet) => {
    if (packet instanceof RtcpPayloadSpecificFeedback && packet.feedback instanceof ReceiverEstimatedMaxBitrate) estimator.onRemb(Number(packet.feedback.bitrate));
  });
  return () => {
    unSubscribe();
    transport.sendRtp = sendRtp;
  };
}
