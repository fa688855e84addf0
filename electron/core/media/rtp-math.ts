/** Signed distance from b to a on the 16-bit sequence-number circle (-32768..32767). */
export function seqDelta(a: number, b: number): number {
  return ((a - b + 0x8000) & 0xffff) - 0x8000;
}

/** Signed distance from b to a on the 32-bit RTP timestamp circle. */
export function timestampDelta(a: number, b: number): number {
  return ((a - b + 2 ** 31) >>> 0) - 2 ** 31;
}
