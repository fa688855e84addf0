import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SessionInfo } from '../electron/core/session/session-info.js';
import { launchBrowser } from '../test/support/browser.js';
import { runCell, type CellResult } from './cell.js';
import { BENCH_PYTHON } from './python-bridge.js';
import { servers } from './servers.js';

const USAGE = `npm run bench:detect -- [options]

  --costs LIST        ms a model call takes (default 50,150,300)
  --resolutions LIST  default 640x480,1280x720
  --seconds N         measured seconds per cell (default 8)
  --burn              the models burn a core for their time instead of sleeping (a CPU model: throttling shows)
`;

const { values } = parseArgs({
  options: {
    costs: { type: 'string', default: '50,150,300' },
    resolutions: { type: 'string', default: '640x480,1280x720' },
    seconds: { type: 'string', default: '8' },
    burn: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

/** A Python model of a given cost, as an apply() filter (on the frame's path) or a detect() one (beside it). */
function model(kind: 'apply' | 'detect', ms: number, burn: boolean): string {
  const wait = burn ? `end = time.perf_counter() + ${ms / 1000}\n    while time.perf_counter() < end: pass` : `time.sleep(${ms / 1000})`;
  const answer =
    kind === 'apply'
      ? 'return None'
      : "h, w = image.shape[:2]\n    return {'boxes': [{'x': w / 10, 'y': h / 8, 'width': w / 4, 'height': h / 4}]}";
  return `import time\nID = '${kind}-${ms}'\nLABEL = ID\n\ndef ${kind}(image, params):\n    ${wait}\n    ${answer}\n`;
}

interface Row {
  cell: CellResult;
  model?: SessionInfo['models'][number];
}

const fmt = (v: number | undefined, digits = 0) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

async function main(): Promise<void> {
  const costs = values.costs.split(',').map(Number);
  const dir = await mkdtemp(join(tmpdir(), 'camloop-bench-detect-'));
  for (const ms of costs)
    for (const kind of ['apply', 'detect'] as const) await writeFile(join(dir, `${kind}_${ms}.py`), model(kind, ms, values.burn));
  const browser = await launchBrowser();
  const server = await servers.camloop(18_600, ['--plugins', dir, '--python', BENCH_PYTHON]);
  const token = server.output!().match(/#token=(\S+)/)![1];
  const rows: Row[] = [];
  try {
    for (const resolution of values.resolutions.split(',')) {
      for (const transform of ['invert', ...costs.flatMap((ms) => [`apply-${ms}`, `detect-${ms}`])]) {
        const row: Row = { cell: undefined! };
        row.cell = await runCell(browser, server, resolution, transform, Number(values.seconds), {
          holdResolution: true,
          atWindowEnd: async () => {
            const sessions = (await (
              await fetch(`${server.url}/api/sessions`, { headers: { Authorization: `Bearer ${token}` } })
            ).json()) as SessionInfo[];
            row.model = sessions.at(-1)?.models.find((m) => m.id === transform);
          },
        });
        rows.push(row);
        process.stderr.write(
          `${resolution} ${transform}: ${fmt(row.cell.fps, 1)} fps, p50 ${fmt(row.cell.latencyP50)} ms, model ${fmt(row.model?.rate, 1)}/s\n`,
        );
      }
    }
  } finally {
    await server.stop();
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
  const lines = [
    `Models ${values.burn ? 'burning a core' : 'asleep'} for their cost; the browser holds its resolution.`,
    '',
    '| resolution | filter | size back | fps back | latency p50 (ms) | p95 (ms) | model results/s | result age drawn p50 (ms) | p95 (ms) | throttled | server CPU ms/frame |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      ({ cell: c, model: m }) =>
        `| ${c.resolution} | ${c.transform} | ${c.width}x${c.height} | ${fmt(c.fps, 1)} | ${fmt(c.latencyP50)} | ${fmt(c.latencyP95)} | ${fmt(m?.rate, 1)} | ${fmt(m?.drawnAgeP50)} | ${fmt(m?.drawnAgeP95)} | ${m ? (m.throttled ?? 'no') : '-'} | ${fmt(c.cpuMsPerFrame, 1)} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
