import type { OpenCV } from '../electron/core/transforms/opencv.js';
import { findTransform, listTransforms, setPluginTransforms } from '../electron/core/transforms/registry.js';
import { withDefaults, type Transform } from '../electron/core/transforms/types.js';
import { ChainRunner } from '../electron/core/worker/chain-runner.js';
import { cv2Scene } from '../test/support/cv2-reference.js';
import { yuvFrame } from '../test/support/yuv-frames.js';
import { percentile } from './stats.js';

export interface NativeRow {
  id: string;
  /** Per size: CPU ms per frame p50 / p95, as the pipeline runs it in OpenCV.js (conversions included) and natively. */
  opencv: { p50: number; p95: number }[];
  native: { p50: number; p95: number }[];
}

const WARMUP = 10;

/** CPU time of this process (ms): run in a worker whose main thread sits idle, it is the worker's. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Canny as FFmpeg's edgedetect (thresholds x 0.4: the research's best match), which the app does not
 * use: it costs more than OpenCV.js's Canny on the Y plane. Measured beside it to keep that decision honest.
 */
const EDGEDETECT: Transform = {
  id: 'edges-edgedetect',
  label: 'edgedetect',
  params: [],
  native: () => ({ graph: "edgedetect=mode=canny:planes=y:low=0.15686:high=0.31373,lutyuv=y='if(val,255,0)':u=128:v=128" }),
  create: () => {
    throw new Error('native only');
  },
};

/**
 * Each built-in with a native form, frame by frame through ChainRunner both ways (OpenCV.js: the
 * frame into the form the transform asks for, the op, back to YUV; native: the FFmpeg graph on the
 * YUV frame), interleaved so both see the same load, on a camera-like picture (python cv2 makes it).
 */
export function measureNative(cv: OpenCV, sizes: [number, number][], frames: number): NativeRow[] {
  const rows: NativeRow[] = [];
  const pictures = sizes.map(([w, h]) => cv2Scene(w, h, 7));
  setPluginTransforms([EDGEDETECT]);
  const pairs = [
    ...listTransforms()
      .filter((t) => t.native && t !== EDGEDETECT)
      .map((t) => [t.id, t.id]),
    ['edges', EDGEDETECT.id],
  ];
  for (const [id, nativeId] of pairs) {
    const transform = findTransform(id)!;
    const row: NativeRow = { id: nativeId === id ? id : `${id} (native: FFmpeg edgedetect, not used)`, opencv: [], native: [] };
    sizes.forEach(([width, height], s) => {
      const size = { width, height };
      const work =
        transform.workWidth && transform.workWidth < width
          ? { width: transform.workWidth, height: Math.round((height * transform.workWidth) / width / 2) * 2 }
          : size;
      const runners = [false, true].map((native) => {
        const runner = new ChainRunner(() => cv, undefined, native);
        runner.set([{ id: native ? nativeId : id, params: native && nativeId !== id ? {} : withDefaults(transform.params) }]);
        return runner;
      });
      const times: number[][] = [[], []];
      for (let i = 0; i < WARMUP + frames; i++) {
        const frame = yuvFrame(pictures[s], width, height, BigInt(i * 3000));
        runners.forEach((runner, r) => {
          const start = cpuMs();
          runner.run(frame, i / 30, work, size);
          if (i >= WARMUP) times[r].push(cpuMs() - start);
        });
        frame.free();
      }
      const stat = (t: number[]) => ({ p50: percentile(t, 50)!, p95: percentile(t, 95)! });
      row.opencv.push(stat(times[0]));
      row.native.push(stat(times[1]));
      for (const runner of runners) runner.dispose();
    });
    rows.push(row);
  }
  setPluginTransforms([]);
  return rows;
}

export function nativeTable(rows: NativeRow[], sizes: [number, number][], frames: number): string {
  const header = sizes.map(([w, h]) => `${w}x${h} OpenCV.js | ${w}x${h} native | ratio`).join(' | ');
  const lines = [`| built-in | ${header} |`, `|---|${sizes.map(() => '---|---|---|').join('')}`];
  const cell = (m: { p50: number; p95: number }) => `${m.p50.toFixed(2)} / ${m.p95.toFixed(2)}`;
  for (const row of rows) {
    const cells = sizes.map(
      (_, s) => `${cell(row.opencv[s])} | ${cell(row.native[s])} | ${(row.opencv[s].p50 / row.native[s].p50).toFixed(1)}x`,
    );
    lines.push(`| ${row.id} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n(CPU ms per frame p50 / p95 over ${frames} frames after ${WARMUP}, in a worker thread, as the pipeline runs each: OpenCV.js with its conversions from and to YUV, native as an FFmpeg graph on the YUV frame; a camera-like picture)\n`;
}
