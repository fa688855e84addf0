import { execFileSync } from 'node:child_process';

/**
 * Runs a snippet of Python OpenCV (Debian's python3-opencv) on a raw image and returns its raw
 * output: the reference our OpenCV.js transforms are compared with. `img` holds the input
 * (HxWx4 RGBA uint8); the snippet must assign `out` (HxWx4 or HxW uint8).
 */
export function opencvPython(snippet: string, rgba: Uint8Array, width: number, height: number): Buffer {
  const program = [
    'import sys, numpy as np, cv2',
    `img = np.frombuffer(sys.stdin.buffer.read(), dtype=np.uint8).reshape(${height}, ${width}, 4).copy()`,
    snippet,
    'sys.stdout.buffer.write(np.ascontiguousarray(out, dtype=np.uint8).tobytes())',
  ].join('\n');
  return execFileSync('/usr/bin/python3', ['-c', program], { input: rgba, maxBuffer: 64 * 1024 * 1024 });
}
