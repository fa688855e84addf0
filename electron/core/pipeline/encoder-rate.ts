/** Bits per pixel per frame: below the floor a picture falls apart, above the ceiling it looks no better. */
const FLOOR_BPP = 0.015;
const START_BPP = 0.1;
const CEILING_BPP = 0.15;
const FPS = 30;

export interface RateSettings {
  /** The path's estimated capacity (bits/s) from the browser's feedback; undefined before any. */
  estimate?: number;
  /** A ceiling set by the user (--max-bitrate, the panel, the API). */
  cap?: number;
}

/** Floor, first guess and ceiling of the encoder bitrate for a picture size, in bits/s. */
export function bitrateBounds(width: number, height: number): { floor: number; start: number; ceiling: number } {
  const perBpp = width * height * FPS;
  return {
    floor: Math.max(100_000, Math.round(perBpp * FLOOR_BPP)),
    start: Math.max(300_000, Math.round(perBpp * START_BPP)),
    ceiling: Math.max(400_000, Math.round(perBpp * CEILING_BPP)),
  };
}

/**
 * Which bitrate the encoder should run at, and when to change it. FFmpeg's libvpx and libx264
 * wrappers ignore bit_rate changes once open (measured), so a change means reopening the encoder,
 * which costs a keyframe: small moves wait, big drops go fast.
 */
export class EncoderRate {
  settings: RateSettings = {};
  /** The running encoder's bitrate. */
  current?: number;
  private openedAtMs = -Infinity;

  constructor(private readonly now: () => number = () => performance.now()) {}

  desired(width: number, height: number): number {
    const { floor, start, ceiling } = bitrateBounds(width, height);
    const top = Math.min(ceiling, this.settings.cap ?? Infinity);
    return Math.round(Math.max(Math.min(floor, top), Math.min(top, this.settings.estimate ?? start)));
  }

  /** True when the running encoder should be reopened at `desired`. */
  shouldChange(desired: number): boolean {
    if (this.current === undefined) return true;
    const ratio = desired / this.current;
    const since = this.now() - this.openedAtMs;
    if (ratio < 0.6) return since > 500;
    return (ratio < 0.8 || ratio > 1.25) && since > 2000;
  }

  opened(bitrate: number): void {
    this.current = bitrate;
    this.openedAtMs = this.now();
  }
}
