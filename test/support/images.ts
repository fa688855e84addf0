import type { Mat, OpenCV } from '../../electron/core/transforms/opencv.js';

/** An RGBA Mat, black with a white axis-aligned square of side `side` at the centre. */
export function whiteSquare(cv: OpenCV, width: number, height: number, side: number): Mat {
  const mat = new cv.Mat(height, width, cv.CV_8UC4, new cv.Scalar(0, 0, 0, 255));
  const x = Math.round((width - side) / 2);
  const y = Math.round((height - side) / 2);
  cv.rectangle(mat, new cv.Point(x, y), new cv.Point(x + side - 1, y + side - 1), new cv.Scalar(255, 255, 255, 255), -1);
  return mat;
}

/** A colourful, noisy test card: a 4x3 grid of flat colours plus deterministic sensor-like noise. */
export function noisyCard(cv: OpenCV, width: number, height: number, seed = 1): Mat {
  const mat = new cv.Mat(height, width, cv.CV_8UC4);
  const data: Uint8Array = mat.data;
  let state = seed;
  const noise = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) % 11) - 5;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const cell = Math.floor((x * 4) / width) + 4 * Math.floor((y * 3) / height);
      data[i] = clamp(40 + ((cell * 67) % 180) + noise());
      data[i + 1] = clamp(40 + ((cell * 113) % 180) + noise());
      data[i + 2] = clamp(40 + ((cell * 151) % 180) + noise());
      data[i + 3] = 255;
    }
  }
  return mat;
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

export function pixel(mat: Mat, x: number, y: number): [number, number, number] {
  const data: Uint8Array = mat.data;
  const i = (y * mat.cols + x) * 4;
  return [data[i], data[i + 1], data[i + 2]];
}

export function luma(mat: Mat, x: number, y: number): number {
  const [r, g, b] = pixel(mat, x, y);
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

export function distinctColours(mat: Mat): number {
  const data: Uint8Array = mat.data;
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
}

/** Fraction of pixels whose luma is above `threshold`. */
export function brightFraction(mat: Mat, threshold = 128): number {
  let bright = 0;
  for (let y = 0; y < mat.rows; y++) for (let x = 0; x < mat.cols; x++) if (luma(mat, x, y) > threshold) bright++;
  return bright / (mat.rows * mat.cols);
}

/** Mean absolute difference between horizontally adjacent pixels: high for noise, low for flat areas. */
export function roughness(mat: Mat): number {
  const data: Uint8Array = mat.data;
  let sum = 0;
  let count = 0;
  for (let y = 0; y < mat.rows; y++) {
    for (let x = 1; x < mat.cols; x++) {
      const i = (y * mat.cols + x) * 4;
      for (let c = 0; c < 3; c++) sum += Math.abs(data[i + c] - data[i - 4 + c]);
      count += 3;
    }
  }
  return sum / count;
}
