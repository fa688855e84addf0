import { H264Packetizer, Vp8Packetizer, type Packetizer, type RtpPacket } from 'werift';
import type { VideoCodecName } from '../media/codecs.js';

const PACKETIZERS: Record<VideoCodecName, (payloadType: number) => Packetizer> = {
  vp8: (payloadType) => new Vp8Packetizer({ payloadType }),
  h264: (payloadType) => new H264Packetizer({ payloadType, inputFormat: 'annexb' }),
};

/** Encoded frames -> RTP packets with the negotiated payload type (werift's sender sets SSRC and offsets). */
export function createPacketizer(codec: VideoCodecName, payloadType: number): Packetizer {
  return PACKETIZERS[codec](payloadType);
}

export type { Packetizer, RtpPacket };
