/** NAL unit types of RFC 6184 and H.264. */
const NAL_IDR = 5;
const NAL_STAP_A = 24;
const NAL_FU_A = 28;
const NAL_FU_B = 29;

/** True when an H.264 RTP payload carries (a part of) an IDR slice: as werift's H264RtpPayload.isKeyframe, without copying the payload. */
export function carriesIdr(payload: Buffer): boolean {
  const type = payload[0]! & 0x1f;
  if (type === NAL_FU_A || type === NAL_FU_B) return (payload[1]! & 0x1f) === NAL_IDR;
  if (type !== NAL_STAP_A) return type === NAL_IDR;
  // STAP-A: 16-bit sizes, each followed by a NAL unit.
  for (let at = 1; at + 2 < payload.length;) {
    const size = payload.readUInt16BE(at);
    if ((payload[at + 2]! & 0x1f) === NAL_IDR) return true;
    at += 2 + size;
  }
  return false;
}

/** What CamLoop knows of H.264 (RFC 6184 payloads, x264's real-time settings). */
export const h264 = {
  depacketizer: 'MPEG4/ISO/AVC',
  /** Any packet but a middle or last FU-A fragment begins a NAL unit. */
  startsFrame(payload: Buffer): boolean {
    return (payload[0]! & 0x1f) === NAL_FU_A ? (payload[1]! & 0x80) !== 0 : true;
  },
  isKeyframe: (packets: { payload: Buffer }[]): boolean => packets.some((p) => carriesIdr(p.payload)),
  /** Our depacketizer and werift's packetizer do non-interleaved mode only. */
  acceptsFmtp: (fmtp: string): boolean => /packetization-mode=1/.test(fmtp),
  encoderOptions: { preset: 'ultrafast', tune: 'zerolatency', profile: 'baseline', 'forced-idr': '1' },
  /** x264's QP range (0..51). */
  maxQuantiser: 51,
  recodesSceneCuts: false,
} as const;
