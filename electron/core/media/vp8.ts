import { Vp8Packetizer, Vp8RtpPayload, type Packetizer, type RtpPacket } from 'werift';

/** What CamLoop knows of VP8 (RFC 7741 payloads, libvpx's real-time settings). */
export const vp8 = {
  depacketizer: 'VP8',
  /** A packet that begins a frame: S bit set on partition 0. */
  startsFrame(payload: Buffer): boolean {
    const descriptor = Vp8RtpPayload.deSerialize(payload);
    return descriptor.sBit === 1 && descriptor.pid === 0;
  },
  /** The P bit of the frame's first packet. */
  isKeyframe(packets: RtpPacket[]): boolean {
    return Vp8RtpPayload.deSerialize(packets[0]!.payload).isKeyframe;
  },
  packetizer: (payloadType: number): Packetizer => new Vp8Packetizer({ payloadType }),
  acceptsFmtp: (): boolean => true,
  // cpu-used 16, libvpx's fastest real-time speed: at 640x480 it halved encode time for ~1 dB PSNR.
  encoderOptions: {
    deadline: 'realtime',
    'cpu-used': '16',
    'lag-in-frames': '0',
    'auto-alt-ref': '0',
    'max-intra-rate': '300',
    'noise-sensitivity': '0',
    'static-thresh': '0',
  },
  /** libvpx's quantiser range (0..63). */
  maxQuantiser: 63,
  /** libvpx caps keyframes (max-intra-rate), so a scene cut is cheaper coded again as one (see VideoEncoder). */
  recodesSceneCuts: true,
} as const;
