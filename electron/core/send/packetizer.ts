import type { Packetizer, RtpPacket } from 'werift';
import { VIDEO_CODECS, type VideoCodecName } from '../media/codecs.js';

/** Encoded frames -> RTP packets with the negotiated payload type (werift's sender sets SSRC and offsets). */
export function createPacketizer(codec: VideoCodecName, payloadType: number): Packetizer {
  return VIDEO_CODECS[codec].packetizer(payloadType);
}

export type { Packetizer, RtpPacket };
