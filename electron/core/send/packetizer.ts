import { H264Packetizer, Vp8Packetizer, type Packetizer, type RtpPacket } from 'werift';
import type { VideoCodecName } from '../media/codecs.js';

/** Encoded frames -> RTP packets with the negotiated payload type (werift's sender sets SSRC and offsets). */
export function createPacketizer(codec: VideoCodecName, payloadType: number): Packetizer {
  return codec === 'vp8' ? new Vp8Packetizer({ payloadType }) : new H264Packetizer({ payloadType, inputFormat: 'annexb' });
}

export type { Packetizer, RtpPacket };
