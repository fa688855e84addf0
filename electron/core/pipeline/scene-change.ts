/** Every STEP-th pixel of every STEP-th row is compared: 1,200 samples of a 640x480 picture. */
const STEP = 16;

/**
 * How much a camera picture changed since the one before: the mean absolute difference of their
 * luma on a sparse grid (0-255). A scene cut (or a fast pan) is tens; a still scene with a moving
 * object, or the camera's own recovery keyframe, stays near 0. The encoder's large frames mean
 * different things in the two cases (the content, or libvpx's golden-frame refresh), and only the
 * first is a reason to send a smaller picture (see OutputScale). Costs ~0.05 ms a frame.
 */
export class SceneChange {
  private previous?: Uint8Array;
  private samples: Uint8Array = new Uint8Array(0);

  /** The change from the last picture measured to this Y plane (`stride` bytes a row). 0 for the first. */
  measure(luma: Uint8Array, stride: number, width: number, height: number): number {
    const columns = Math.ceil(width / STEP);
    const rows = Math.ceil(height / STEP);
    if (this.samples.length !== columns * rows) {
      this.samples = new Uint8Array(columns * rows);
      this.previous = undefined;
    }
    const now = this.samples;
    let i = 0;
    for (let y = 0; y < height; y += STEP) for (let x = 0; x < width; x += STEP) now[i++] = luma[y * stride + x];
    const before = this.previous;
    // Swap the two grids: the next call writes over the older one.
    this.samples = before ?? new Uint8Array(now.length);
    this.previous = now;
    if (!before) return 0;
    let sum = 0;
    for (let j = 0; j < now.length; j++) sum += Math.abs(now[j] - before[j]);
    return sum / now.length;
  }
}
