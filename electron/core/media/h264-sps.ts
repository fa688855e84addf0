/** Profiles whose SPS carries chroma format, bit depths and scaling matrices (H.264 7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

class OutOfBits extends Error {}

/** Exp-Golomb reader over an RBSP (emulation prevention bytes already removed). */
class Bits {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  bit(): number {
    const byte = this.bytes[this.at >> 3];
    if (byte === undefined) throw new OutOfBits();
    return (byte >> (7 - (this.at++ & 7))) & 1;
  }

  bits(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 2 + this.bit();
    return value;
  }

  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) if (++zeros > 31) throw new OutOfBits();
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  se(): number {
    const value = this.ue();
    return value & 1 ? (value + 1) / 2 : -value / 2;
  }
}

/** A NAL unit's payload without its emulation prevention bytes (00 00 03 -> 00 00). */
function rbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let length = 0;
  for (let i = 0, zeros = 0; i < nal.length; i++) {
    if (zeros >= 2 && nal[i] === 3) {
      zeros = 0;
      continue;
    }
    zeros = nal[i] === 0 ? zeros + 1 : 0;
    out[length++] = nal[i]!;
  }
  return out.subarray(0, length);
}

/**
 * The coded picture size an H.264 SPS declares (whole macroblocks, before cropping: what a decoder
 * allocates), or undefined when the SPS is cut short or malformed. `nal` starts at the NAL header.
 */
export function spsPictureSize(nal: Uint8Array): { width: number; height: number } | undefined {
  try {
    const bits = new Bits(rbsp(nal.subarray(1)));
    const profile = bits.bits(8);
    bits.bits(16); // constraint flags, level
    bits.ue(); // seq_parameter_set_id
    if (HIGH_PROFILES.has(profile)) {
      const chroma = bits.ue();
      if (chroma === 3) bits.bit();
      bits.ue();
      bits.ue();
      bits.bit();
      if (bits.bit()) for (let i = 0; i < (chroma === 3 ? 12 : 8); i++) if (bits.bit()) skipScalingList(bits, i < 6 ? 16 : 64);
    }
    bits.ue(); // log2_max_frame_num_minus4
    const pocType = bits.ue();
    if (pocType === 0) bits.ue();
    else if (pocType === 1) {
      bits.bit();
      bits.se();
      bits.se();
      const cycle = bits.ue();
      if (cycle > 255) return undefined;
      for (let i = 0; i < cycle; i++) bits.se();
    }
    bits.ue(); // max_num_ref_frames
    bits.bit();
    const widthMbs = bits.ue() + 1;
    const heightUnits = bits.ue() + 1;
    const frameMbsOnly = bits.bit();
    return { width: widthMbs * 16, height: (2 - frameMbsOnly) * heightUnits * 16 };
  } catch (error) {
    if (error instanceof OutOfBits) return undefined;
    throw error;
  }
}

function skipScalingList(bits: Bits, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + bits.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}
