import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { loadOpenCV } from '../electron/core/transforms/opencv.js';
import { listTransforms } from '../electron/core/transforms/registry.js';
import { withDefaults } from '../electron/core/transforms/types.js';
import { noisyCard } from '../test/support/images.js';

/**
 * `npm run bench:transforms`: milliseconds per frame of each transform at 640x480 and 1280x720,
 * measured inside a worker thread as the pipeline runs them (grey-input transforms get a grey Mat).
 */
const SIZES: [number, number][] = [
  [640, 480],
  [1280, 720],
];
const WARMUP = 3;
const RUNS = 20;
const BUDGET_MS = 33;

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
      const instance = transform.create(cv);
      const params = withDefaults(transform.params);
      const times: number[] = [];
      for (let i = 0; i < WARMUP + RUNS; i++) {
        if (transform.input === 'gray') cv.cvtColor(source, image, cv.COLOR_RGBA2GRAY);
        else source.copyTo(image);
        const start = performance.now();
        instance.apply({ image, width, height, time: i / 30 }, params);
        if (i >= WARMUP) times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      row.ms.push(times[Math.floor(times.length / 2)]);
      instance.dispose();
      image.delete();
      source.delete();
    }
    rows.push(row);
  }
  return rows;
}

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url));
  worker.once('message', (rows: Row[]) => {
    const lines = ['| transform | 640x480 ms/frame | 1280x720 ms/frame | fits 33 ms at 720p |', '|---|---|---|---|'];
    for (const row of rows) lines.push(`| ${row.id} | ${row.ms[0].toFixed(1)} | ${row.ms[1].toFixed(1)} | ${row.ms[1] <= BUDGET_MS ? 'yes' : 'NO'} |`);
    process.stdout.write(`${lines.join('\n')}\n(median of ${RUNS} runs after ${WARMUP} warm-up, transform only; colour conversion and codecs are extra)\n`);
  });
} else {
  parentPort!.postMessage(await measure());
}
