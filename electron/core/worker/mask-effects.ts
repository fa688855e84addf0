import type { Mask } from '../detect/schema.js';
import type { MaskEffect } from '../transforms/detect-filter.js';
import type { Mat, OpenCV } from '../transforms/opencv.js';

/** The background blur: the picture this many times smaller, blurred, and scaled back. */
const BLUR_DOWN = 8;
/** Squares of the cut-out's checkerboard (the usual sign of "transparent"), in pixels of a 480-line picture. */
const CHECKER = 16;

/**
 * What a mask does to the picture (the user's choice, see MASK_EFFECTS): the mask weighs the
 * foreground (255: all of it), scaled to the picture once per new mask; each frame the picture is
 * mixed, pixel by pixel, with its own blurred copy, a colour, an image or a checkerboard where the
 * background is, or tinted where the foreground is. `alpha` fades it all (old results).
 */
export class MaskEffects {
  private weight?: { of: Mask; mat: Mat };
  private small?: Mat;
  private blurred?: Mat;
  private checker?: Mat;

  constructor(private readonly cv: OpenCV) {}

  apply(image: Mat, mask: Mask, effect: MaskEffect, colour: [number, number, number], alpha: number, background?: Mat): void {
    if (effect === 'off' || alpha <= 0) return;
    const { cv } = this;
    // Views into the WASM heap are taken last: a Mat made on the way may grow (and move) it.
    const weight = this.weightFor(mask, image.cols, image.rows);
    if (effect === 'tint') return mix(image.data, colour, weight.data, (w) => (w * alpha) / 2);
    const behind = (w: number) => (255 - w) * alpha;
    if (effect === 'blur') {
      this.small ??= new cv.Mat();
      this.blurred ??= new cv.Mat();
      const size = new cv.Size(Math.max(1, Math.round(image.cols / BLUR_DOWN)), Math.max(1, Math.round(image.rows / BLUR_DOWN)));
      cv.resize(image, this.small, size, 0, 0, cv.INTER_AREA);
      cv.GaussianBlur(this.small, this.small, new cv.Size(5, 5), 0);
      cv.resize(this.small, this.blurred, new cv.Size(image.cols, image.rows), 0, 0, cv.INTER_LINEAR);
      return mix(image.data, this.blurred.data, weight.data, behind);
    }
    if (effect === 'image' && background) return mix(image.data, background.data, weight.data, behind);
    if (effect === 'cut-out') {
      const checker = this.checkerboard(image.cols, image.rows);
      return mix(image.data, checker.data, weight.data, behind);
    }
    // 'colour', and 'image' while there is no image.
    mix(image.data, colour, weight.data, behind);
  }

  dispose(): void {
    for (const mat of [this.weight?.mat, this.small, this.blurred, this.checker]) mat?.delete();
    this.weight = undefined;
  }

  /** The mask at the picture's size (a CV_8UC1 Mat), made once per mask and size. */
  private weightFor(mask: Mask, width: number, height: number): Mat {
    const { cv } = this;
    const kept = this.weight;
    if (kept?.of === mask && kept.mat.cols === width && kept.mat.rows === height) return kept.mat;
    kept?.mat.delete();
    const source = cv.matFromArray(mask.height, mask.width, cv.CV_8UC1, mask.data);
    const mat = new cv.Mat();
    cv.resize(source, mat, new cv.Size(width, height), 0, 0, cv.INTER_LINEAR);
    source.delete();
    this.weight = { of: mask, mat };
    return mat;
  }

  private checkerboard(width: number, height: number): Mat {
    const { cv } = this;
    if (this.checker?.cols === width && this.checker.rows === height) return this.checker;
    this.checker?.delete();
    const checker = (this.checker = new cv.Mat(height, width, cv.CV_8UC4, new cv.Scalar(200, 200, 200, 255)));
    const side = Math.max(4, Math.round((CHECKER * height) / 480));
    for (let y = 0; y < height; y += side)
      for (let x = (y / side) % 2 ? side : 0; x < width; x += 2 * side)
        cv.rectangle(checker, new cv.Point(x, y), new cv.Point(x + side - 1, y + side - 1), new cv.Scalar(150, 150, 150, 255), -1);
    return checker;
  }
}

/**
 * RGBA `image` <- mixed with `other` (RGBA pixels, or one colour) by `share(weight)` of 255 per
 * pixel. A plain loop: ~3 ms for 640x480 here, and no Mats of floats.
 */
function mix(image: Uint8Array, other: Uint8Array | [number, number, number], weight: Uint8Array, share: (w: number) => number): void {
  const solid = Array.isArray(other);
  // share() per distinct weight, not per pixel.
  const table = new Uint16Array(256);
  for (let w = 0; w < 256; w++) table[w] = Math.round(share(w) * 257);
  for (let p = 0, i = 0; p < weight.length; p++, i += 4) {
    const s = table[weight[p]];
    if (s === 0) continue;
    const k = 65535 - s;
    for (let c = 0; c < 3; c++) {
      const o = solid ? other[c] : other[i + c];
      image[i + c] = (image[i + c] * k + o * s + 32768) >>> 16;
    }
  }
}
