import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ModelLink } from '../electron/core/models/model-link.js';
import { ModelRunner } from '../electron/core/models/model-runner.js';
import { ModelService } from '../electron/core/models/model-service.js';
import type { SessionInfo } from '../electron/core/session/session-info.js';
import type { ModelTask } from '../electron/core/transforms/types.js';
import { launchBrowser } from '../test/support/browser.js';
import { decodePhoto, photoPath } from '../test/support/photos.js';
import { runCell, type CellResult } from './cell.js';
import { servers } from './servers.js';
import { percentile } from './stats.js';

const USAGE = `npm run bench:models -- [options]

  --models LIST       filters (default background,face,pose,hands,objects)
  --resolutions LIST  one phone at each (default 640x480,1280x720)
  --phones N          then N phones at once at the first resolution (default 4; 0: none)
  --calls N           inference calls timed per model (default 40)
  --seconds N         measured seconds per call cell (default 8)
`;
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'background,face,pose,hands,objects' },
    resolutions: { type: 'string', default: '640x480,1280x720' },
    phones: { type: 'string', default: '4' },
    calls: { type: 'string', default: '40' },
    seconds: { type: 'string', default: '8' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const TASK: Record<string, ModelTask> = { background: 'segmentation', face: 'face', pose: 'pose', hands: 'hands', objects: 'objects' };
const fmt = (v: number | undefined, digits = 0) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
const load = () => loadavg()[0].toFixed(1);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Each model alone in the model worker (this process's), on the photograph scaled to its input as a 640x480 camera's frame is. */
async function inference(ids: string[], calls: number): Promise<string[]> {
  const service = new ModelService();
  const link = new ModelLink(() => link.attach(service.connect()));
  const rows: string[] = [];
  try {
    for (const id of ids) {
      const runner = new ModelRunner(TASK[id], link);
      const started = performance.now();
      while (!runner.idle && !runner.trouble) await new Promise((resolve) => setTimeout(resolve, 10));
      const loadMs = performance.now() - started;
      const size = runner.inputSize(640, 480);
      const { data } = decodePhoto('astronaut', size);
      const rgb = () => data.filter((_, i) => i % 4 !== 3);
      const busy: number[] = [];
      const trip: number[] = [];
      for (let i = 0; i < calls + 5; i++) {
        const before = runner.cpuSeconds();
        const t0 = performance.now();
        await runner.run({ pixels: rgb(), width: size.width, height: size.height, time: i }, {});
        if (i < 5) continue; // warm
        trip.push(performance.now() - t0);
        busy.push((runner.cpuSeconds() - before) * 1000);
      }
      runner.dispose();
      const row = `| ${id} | ${size.width}x${size.height} | ${fmt(loadMs)} | ${fmt(Math.min(...busy), 1)} | ${fmt(percentile(busy, 50), 1)} | ${fmt(percentile(busy, 95), 1)} | ${fmt(percentile(trip, 50), 1)} | ${fmt(1000 / percentile(busy, 50)!, 1)} | ${load()} |`;
      log(row);
      rows.push(row);
    }
  } finally {
    link.close();
    await service.close();
  }
  return rows;
}

interface Group {
  setup: string;
  filter: string;
  cells: CellResult[];
  models: SessionInfo['models'][number][];
  load: string;
}

async function calls(ids: string[], resolutions: string[], phones: number, seconds: number): Promise<Group[]> {
  const photo = `data:image/jpeg;base64,${readFileSync(photoPath('astronaut')).toString('base64')}`;
  const browser = await launchBrowser();
  const server = await servers.camloop(18_700);
  const token = server.output!().match(/#token=(\S+)/)![1];
  const groups: Group[] = [];
  const setups = [
    ...resolutions.map((r) => ({ resolution: r, phones: 1 })),
    ...(phones > 0 ? [{ resolution: resolutions[0]!, phones }] : []),
  ];
  try {
    for (const filter of ['invert', ...ids])
      for (const { resolution, phones: n } of setups) {
        const group: Group = { setup: n > 1 ? `${n} phones, ${resolution}` : resolution, filter, cells: [], models: [], load: load() };
        const atWindowEnd = async () => {
          const response = await fetch(`${server.url}/api/sessions`, { headers: { Authorization: `Bearer ${token}` } });
          const sessions = (await response.json()) as SessionInfo[];
          group.models = sessions.flatMap((s) => s.models.filter((m) => m.id === filter));
        };
        group.cells = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            runCell(browser, server, resolution, filter, seconds, { holdResolution: true, photo, ...(i === 0 && { atWindowEnd }) }),
          ),
        );
        groups.push(group);
        log(line(group));
      }
  } finally {
    await server.stop();
    await browser.close();
  }
  return groups;
}

function line({ setup, filter, cells, models, load }: Group): string {
  const mean = (v: (number | undefined)[]) => {
    const known = v.filter((x): x is number => x !== undefined);
    return known.length ? known.reduce((a, b) => a + b, 0) / known.length : undefined;
  };
  const fps = cells.map((c) => c.fps);
  const throttled = [...new Set(models.map((m) => m.throttled ?? 'no'))].join(', ');
  return `| ${setup} | ${filter} | ${cells[0]!.width}x${cells[0]!.height} | ${fmt(mean(fps), 1)}${cells.length > 1 ? ` (min ${fmt(Math.min(...fps), 1)})` : ''} | ${fmt(mean(models.map((m) => m.rate)), 1)} | ${fmt(mean(models.map((m) => m.callMs)))} | ${fmt(mean(models.map((m) => m.drawnAgeP50)))} | ${fmt(mean(models.map((m) => m.drawnAgeP95)))} | ${models.length ? throttled : '-'} | ${fmt(mean(cells.map((c) => c.cpuMsPerFrame)), 1)} | ${load} |`;
}

async function main(): Promise<void> {
  const ids = values.models.split(',');
  const started = load();
  const inferenceRows = await inference(ids, Number(values.calls));
  const groups = await calls(ids, values.resolutions.split(','), Number(values.phones), Number(values.seconds));
  const lines = [
    `Load average (1 min) at the start: ${started}, at the end: ${load()} (2 cores).`,
    '',
    'Inference in the model worker (one thread, WASM SIMD), astronaut.jpg scaled as a 640x480 frame is; after 5 warm calls:',
    '',
    '| filter | model input | load + first call (ms) | min (ms) | p50 (ms) | p95 (ms) | round trip p50 (ms) | max rate (1/p50) | load avg |',
    '|---|---|---|---|---|---|---|---|---|',
    ...inferenceRows,
    '',
    "Calls (aiortc's client in Chromium, the fake camera showing the photograph at 30 fps, resolution held):",
    '',
    '| phones | filter | size back | fps back | model results/s | call ms (round trip) | result age drawn p50 (ms) | p95 (ms) | throttled | server CPU ms/frame | load avg |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...groups.map(line),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
