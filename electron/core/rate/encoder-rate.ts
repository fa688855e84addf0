/**
 * Bits per pixel per frame. Below the floor a picture falls apart. The ceiling is about what Chrome
 * itself sends: what comes back cannot hold more detail than what came in, and every bit costs
 * encode time here and decode time on the phone.
 */
const FLOOR_BPP = 0.015;
const CEILING_BPP = 0.1;
export const FPS = 30;

export interface RateSettings {
  /** The path's estimated capacity (bits/s) from the browser's feedback (or its starting guess). */
  estimate?: number;
  /** A ceiling set by the user (--max-bitrate, the panel, the API). */
  cap?: number;
  /** Encode at the camera's size, never scaled down (a recording of the processed video is running). */
  keepSize?: boolean;
}

/** Floor and ceiling of the encoder bitrate for a picture size, in bits/s; before any feedback it runs at the ceiling. */
export function bitrateBounds(width: number, height: number): { floor: number; ceiling: number } {
  const perBpp = width * height * FPS;
  return { floor: Math.max(100_000, Math.round(perBpp * FLOOR_BPP)), ceiling: Math.max(300_000, Math.round(perBpp * CEILING_BPP)) };
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
  /** Bits we may still send now (token bucket refilled at the link's rate, half a second deep). */
  private budget = 0;
  private budgetAtMs?: number;

  constructor(private readonly now: () => number = () => performance.now()) {}

  desired(width: number, height: number): number {
    const { floor, ceiling } = bitrateBounds(width, height);
    const top = Math.min(ceiling, this.settings.cap ?? Infinity);
    return Math.round(Math.max(Math.min(floor, top), Math.min(top, this.settings.estimate ?? ceiling)));
  }

  /** True when the running encoder should be reopened at `desired`. */
  shouldChange(desired: number): boolean {
    if (this.current === undefined) return true;
    const ratio = desired / this.current;
    const since = this.now() - this.openedAtMs;
    if (ratio < 0.6) return since > 500;
    return (ratio < 0.8 || ratio > 1.25) && since > 2000;
  }

  /**
   * Whether a frame may be encoded now without sending more than the link (estimate) or the user's
   * cap allows. Where the encoder cannot hold its target (a dense edge map), frames are skipped
   * rather than flooding the link (see docs/decisions.md, Congestion control, what we send).
   */
  mayEncode(): boolean {
    const rate = this.linkRate();
    const now = this.now();
    if (rate === Infinity) {
      this.budgetAtMs = undefined;
      return true;
    }
    const elapsed = this.budgetAtMs === undefined ? 500 : now - this.budgetAtMs;
    this.budgetAtMs = now;
    this.budget = Math.min(rate / 2, this.budget + (rate * elapsed) / 1000);
    return this.budget > 0;
  }

  /** An encoded frame of `bytes` went out (a big keyframe's debt is held to one second). */
  spent(bytes: number): void {
    const rate = this.linkRate();
    if (rate !== Infinity) this.budget = Math.max(-rate, this.budget - bytes * 8);
  }

  /** What may be sent (bits/s): the lower of the estimate and the cap; Infinity for no limit. */
  linkRate(): number {
    return Math.min(this.settings.estimate ?? Infinity, this.settings.cap ?? Infinity);
  }

  opened(bitrate: number): void {
    this.current = bitrate;
    this.openedAtMs = this.now();
  }
}
