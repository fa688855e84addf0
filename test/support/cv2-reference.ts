import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../test/support/cv2_reference.py', import.meta.url));

/** A camera-like picture (gradient, anti-aliased shapes and text, softness, sensor noise) as packed I420, made by cv2. */
export function cv2Scene(width: number, height: number, seed = 1, shift = 0): Uint8Array {
  return new Uint8Array(
    execFileSync('/usr/bin/python3', [SCRIPT, 'scene', String(width), String(height), String(seed), String(shift)], {
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
}

export interface Cv2Metrics {
  /** Mean |difference| of R, G and B, both pictures through cv2's I420 -> RGB. */
  mad: number;
  /** % of R, G, B values off by more than 8. */
  pct8: number;
  lumaMad: number;
  /** Edges: F1 of edge pixels matched within 1 px. */
  f1?: number;
  /** Motion: cv2's moving fraction. */
  fraction?: number | null;
}

/**
 * How far `candidate` (packed I420) is from the built-in `op` done by python cv2 on `input` (the
 * operation the app ran in OpenCV.js before it had native forms); `previous` is motion's frame before.
 */
export function compareWithCv2(
  op: string,
  size: { width: number; height: number },
  params: object,
  time: number,
  input: Uint8Array,
  candidate: Uint8Array,
  previous?: Uint8Array,
): Cv2Metrics {
  const args = [SCRIPT, op, String(size.width), String(size.height), JSON.stringify(params), String(time)];
  const stdin = Buffer.concat([...(previous ? [previous] : []), input, candidate]);
  return JSON.parse(execFileSync('/usr/bin/python3', args, { input: stdin, maxBuffer: 64 * 1024 * 1024 }).toString()) as Cv2Metrics;
}
