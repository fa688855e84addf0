import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { loadOpenCV, type Mat } from '../electron/core/transforms/opencv.js';
import { listTransforms } from '../electron/core/transforms/registry.js';
import { withDefaults } from '../electron/core/transforms/types.js';
import { noisyCard } from '../test/support/images.js';
import { measureNative, nativeTable, type NativeRow } from './native-filters.js';
import { BENCH_PYTHON, measurePython, type PythonRow } from './python-bridge.js';

/**
 * `npm run bench:transforms`: milliseconds per frame of each transform at 640x480 and 1280x720,
 * measured inside a worker thread on the form the pipeline hands them (RGBA, the grey Y plane, or
 * the Y, U and V planes); then each built-in with a native form both ways as the pipeline runs
 * it (OpenCV.js with its colour conversions, and the FFmpeg graph), in CPU time; then Python
 * filters: the bridge's own cost, a cv2 Canny filter through it, and cv2.Canny alone (set
 * CAMLOOP_PYTHON to pick the interpreter).
 */
const SIZES: [number, number][] = [
  [640, 480],
  [1280, 720],
];
const WARMUP = 3;
const RUNS = 20;
const BUDGET_MS = 33;
const NATIVE_FRAMES = 100;

interface Row {
  id: string;
  ms: number[];
}

async function measure(): Promise<Row[]> {
  const { cv } = await loadOpenCV();
  const rows: Row[] = [];
  for (const transform of listTransforms()) {
    const row: Row = { id: transform.id, ms: [] };
    for (const [width, height] of SIZES) {
      const source = noisyCard(cv, width, height);
      const image = new cv.Mat();
      const chroma: [Mat, Mat] = [
        new cv.Mat(height / 2, width / 2, cv.CV_8UC1, new cv.Scalar(110)),
        new cv.Mat(height / 2, width / 2, cv.CV_8UC1, new cv.Scalar(150)),
      ];
      const instance = transform.create(cv);
      const params = withDefaults(transform.params);
      const times: number[] = [];
      for (let i = 0; i < WARMUP + RUNS; i++) {
        if (transform.input === 'gray' || transform.input === 'yuv') cv.cvtColor(source, image, cv.COLOR_RGBA2GRAY);
        else source.copyTo(image);
        const start = performance.now();
        instance.apply({ image, width, height, time: i / 30, chroma: transform.input === 'yuv' ? chroma : undefined }, params);
        if (i >= WARMUP) times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      row.ms.push(times[Math.floor(times.length / 2)]);
      instance.dispose();
      for (const mat of [image, source, ...chroma]) mat.delete();
    }
    rows.push(row);
  }
  return rows;
}

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url));
  worker.once('message', ({ rows, native, python }: { rows: Row[]; native: NativeRow[]; python: PythonRow[] }) => {
    const lines = ['| transform | 640x480 ms/frame | 1280x720 ms/frame | fits 33 ms at 720p |', '|---|---|---|---|'];
    for (const row of rows)
      lines.push(`| ${row.id} | ${row.ms[0].toFixed(1)} | ${row.ms[1].toFixed(1)} | ${row.ms[1] <= BUDGET_MS ? 'yes' : 'NO'} |`);
    process.stdout.write(
      `${lines.join('\n')}\n(median of ${RUNS} runs after ${WARMUP} warm-up, transform only; colour conversion and codecs are extra)\n\n`,
    );
    process.stdout.write(`${nativeTable(native, SIZES, NATIVE_FRAMES)}\n`);
    const py = [`| Python (${BENCH_PYTHON}) | 640x480 p50 / p95 ms | 1280x720 p50 / p95 ms |`, '|---|---|---|'];
    for (const row of python) py.push(`| ${row.what} | ${row.ms.map((m) => `${m.p50.toFixed(2)} / ${m.p95.toFixed(2)}`).join(' | ')} |`);
    process.stdout.write(`${py.join('\n')}\n(in the codec worker's thread; the I420 <-> BGR24 conversions (libswscale) are extra)\n`);
  });
} else {
  const { cv } = await loadOpenCV();
  const picture = (width: number, height: number) => {
    const card = noisyCard(cv, width, height);
    const bgr = new cv.Mat();
    cv.cvtColor(card, bgr, cv.COLOR_RGBA2BGR);
    const bytes = new Uint8Array(bgr.data);
    card.delete();
    bgr.delete();
    return bytes;
  };
  const rows = await measure();
  const native = measureNative(cv, SIZES, NATIVE_FRAMES);
  parentPort!.postMessage({ rows, native, python: await measurePython(SIZES, picture) });
}
