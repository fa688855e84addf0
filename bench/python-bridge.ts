import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PythonFilter } from '../electron/core/python/python-filter.js';
import { percentile } from './stats.js';

/** Debian's Python (numpy + cv2) where it is, else the first python3 on PATH. */
export const BENCH_PYTHON = process.env.CAMLOOP_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export interface PythonRow {
  what: string;
  /** p50 / p95 ms per frame, for each size. */
  ms: { p50: number; p95: number }[];
}

const WARMUP = 5;
const RUNS = 60;

/**
 * The Python bridge's own cost (a BGR frame to Python and back, apply() does nothing), the example
 * cv2 Canny filter through it, and cv2.Canny alone timed inside Python (native, with its SIMD).
 */
/** `picture(width, height)`: the BGR24 frame every Python row works on (the same card the OpenCV.js rows get). */
export async function measurePython(
  sizes: [number, number][],
  picture: (width: number, height: number) => Uint8Array,
): Promise<PythonRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'camloop-bench-py-'));
  try {
    await writeFile(join(dir, 'bridge.py'), "ID = 'bridge'\ndef apply(image, params):\n    return None\n");
    await copyFile(new URL('../../plugins/examples/canny_edges.py', import.meta.url), join(dir, 'canny_edges.py'));
    const bridge = await roundTrips(join(dir, 'bridge.py'), sizes, picture, {});
    const canny = await roundTrips(join(dir, 'canny_edges.py'), sizes, picture, { low: 100, high: 200 });
    return [
      { what: 'bridge: frame to Python and back, apply() does nothing', ms: bridge },
      { what: 'py-canny example through the bridge (BGR->grey, cv2.Canny, grey->BGR)', ms: canny },
      { what: 'cv2.Canny(grey, 100, 200) alone, timed in Python', ms: sizes.map(([w, h]) => cannyInPython(w, h, picture(w, h))) },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function roundTrips(
  file: string,
  sizes: [number, number][],
  picture: (width: number, height: number) => Uint8Array,
  params: Record<string, unknown>,
): Promise<{ p50: number; p95: number }[]> {
  const out: { p50: number; p95: number }[] = [];
  for (const [width, height] of sizes) {
    const filter = new PythonFilter(
      { id: 'bench', label: 'bench', params: [], file, python: BENCH_PYTHON },
      { onOutput: (_id, line) => process.stderr.write(`${line}\n`) },
    );
    const frame = { image: { data: picture(width, height) }, width, height, time: 0 };
    const deadline = Date.now() + 10_000;
    // Frames pass through until the process is ready: wait for the first that goes to Python.
    for (let first = filter.apply(frame, params); ; first = filter.apply(frame, params)) {
      if (first) {
        await first;
        break;
      }
      if (Date.now() > deadline) throw new Error(`${file} did not start with ${BENCH_PYTHON}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const times: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const start = performance.now();
      await filter.apply(frame, params);
      if (i >= WARMUP) times.push(performance.now() - start);
    }
    filter.dispose();
    out.push({ p50: percentile(times, 50)!, p95: percentile(times, 95)! });
  }
  return out;
}

function cannyInPython(width: number, height: number, bgr: Uint8Array): { p50: number; p95: number } {
  const program = `import sys, time, numpy as np, cv2
bgr = np.frombuffer(sys.stdin.buffer.read(), dtype=np.uint8).reshape(${height}, ${width}, 3)
g = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
times = []
for i in range(${WARMUP + RUNS}):
    t = time.perf_counter(); cv2.Canny(g, 100, 200); times.append((time.perf_counter() - t) * 1000)
times = sorted(times[${WARMUP}:])
print(times[len(times) // 2], times[int(len(times) * 0.95)])`;
  const [p50, p95] = execFileSync(BENCH_PYTHON, ['-c', program], { input: bgr, encoding: 'utf8' }).trim().split(' ').map(Number);
  return { p50, p95 };
}
