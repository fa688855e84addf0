/**
 * What CamLoop knows of VP8: its RTP payload descriptor (RFC 7741 section 4.2) and libvpx's
 * real-time settings. Read here without werift, which the codec worker need not load.
 */
export const vp8 = {
  depacketizer: 'VP8',
  /** A packet that begins a frame: S bit set on partition 0. */
  startsFrame(payload: Buffer): boolean {
    return (payload[0]! & 0x17) === 0x10;
  },
  /** The frame's first packet starts a keyframe (its VP8 payload header's P bit is 0). */
  isKeyframe(packets: { payload: Buffer }[]): boolean {
    const payload = packets[0]!.payload;
    if (!vp8.startsFrame(payload)) return false;
    const at = descriptorLength(payload);
    return at < payload.length && (payload[at]! & 0x01) === 0;
  },
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

/** Bytes of the payload descriptor: X, then I (a 7- or 15-bit picture id), L and T/K bytes as flagged. */
function descriptorLength(payload: Buffer): number {
  if (!(payload[0]! & 0x80)) return 1;
  const flags = payload[1] ?? 0;
  let at = 2;
  if (flags & 0x80) at += payload[at]! & 0x80 ? 2 : 1;
  if (flags & 0x40) at += 1;
  if (flags & 0x30) at += 1;
  return at;
}
