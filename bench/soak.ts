import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MALLOC_ENV } from '../electron/core/app/malloc-tuning.js';
import { startApp } from '../test/support/app-process.js';
import { makeVp8Clip } from '../test/support/clip.js';
import { lineChart } from './png.js';
import { cpuSeconds, rssMb } from './servers.js';
import { PhoneChurn } from './soak-phones.js';
import { percentile } from './stats.js';

/**
 * `npm run bench:soak -- --hours N`: CamLoop left running with phones coming and going (PhoneChurn),
 * the panel switching their filters, recordings started and stopped, and a Python filter edited
 * (reloaded) now and then. Every interval: the server's RSS, CPU, fds, threads, codec workers and
 * Python processes. Writes samples.json, table.md, rss.png and server.log to --out; "flat" compares the first
 * and the last 30 minutes after the warm-up (thirds of it in a shorter run).
 */
const { values } = parseArgs({
  options: {
    hours: { type: 'string', default: '0.5' },
    phones: { type: 'string', default: '3' },
    interval: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    out: { type: 'string', default: join(tmpdir(), `camloop-soak-${new Date().toISOString().replace(/[:.]/g, '-')}`) },
  },
});
const FILTERS = ['edges', 'cartoon', 'faces', 'motion', 'grayscale', 'none', 'py-canny'];
const out = values.out!;
mkdirSync(out, { recursive: true });
// A home of its own: recordings go to its ~/Videos/CamLoop, and are removed as they stop.
const home = mkdtempSync(join(tmpdir(), 'camloop-soak-home-'));
const plugins = join(home, 'plugins');
mkdirSync(plugins);
const pythonFilter = join(plugins, 'soak_canny.py');
copyFileSync(new URL('../../plugins/examples/canny_edges.py', import.meta.url), pythonFilter);

interface Sample {
  minute: number;
  rssMb: number;
  cpuPercent: number;
  fds: number;
  threads: number;
  workers: number;
  python: number;
  sessions: number;
  phones: number;
  fps: number;
  load: number;
}

const app = await startApp(['--plugins', plugins, '--python', '/usr/bin/python3'], { env: { ...MALLOC_ENV, HOME: home } });
const pid = app.app.pid!;
const request = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${app.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${app.controlToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((r) => r.json() as Promise<Record<string, unknown>>);
const sessionIds = async () => ((await request('/api/sessions')) as unknown as { id: string; recording: string | null }[]) ?? [];
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

const churn = new PhoneChurn(app.url, makeVp8Clip(640, 480, 60), FILTERS);
churn.start(Number(values.phones));
const events = { filterSwitches: 0, recordings: 0, pythonReloads: 0, errors: [] as string[] };
const every = (seconds: number, run: () => Promise<void>) =>
  setInterval(() => run().catch((error: Error) => events.errors.push(`${new Date().toISOString()} ${error.message}`)), seconds * 1000);
const timers = [
  every(40, async () => {
    const session = pick(await sessionIds());
    if (!session) return;
    await request(`/api/sessions/${session.id}/transform`, 'PUT', { chain: [{ id: pick(FILTERS), params: {} }] });
    events.filterSwitches++;
  }),
  every(90, async () => {
    const sessions = await sessionIds();
    const recording = sessions.find((s) => s.recording);
    if (recording) {
      const { recorded } = await request(`/api/sessions/${recording.id}/recording`, 'DELETE');
      if (typeof recorded === 'string') rmSync(recorded, { force: true });
    } else if (sessions.length) {
      await request(`/api/sessions/${pick(sessions)!.id}/recording`, 'POST');
      events.recordings++;
    }
  }),
  every(300, async () => {
    writeFileSync(pythonFilter, `${readFileSync(pythonFilter, 'utf8')}\n# edited ${new Date().toISOString()}\n`);
    events.pythonReloads++;
  }),
];

const samples: Sample[] = [];
const start = Date.now();
const end = start + Number(values.hours) * 3_600_000;
const interval = Number(values.interval) * 1000;
let cpu = await cpuSeconds(pid);
try {
  while (Date.now() < end && app.app.exitCode === null) {
    await new Promise((r) => setTimeout(r, interval));
    const cpuNow = await cpuSeconds(pid);
    const held = (await request('/api/process')) as { workers: number; sessions: number };
    samples.push({
      minute: (Date.now() - start) / 60_000,
      rssMb: await rssMb(pid),
      cpuPercent: ((cpuNow - cpu) / (interval / 1000)) * 100,
      fds: readdirSync(`/proc/${pid}/fd`).length,
      threads: Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/Threads:\s+(\d+)/)![1]),
      workers: held.workers,
      python: pythonChildren(pid),
      sessions: held.sessions,
      phones: churn.live.size,
      fps: percentile(churn.fps(5000), 50) ?? 0,
      load: loadavg()[0]!,
    });
    cpu = cpuNow;
    const s = samples.at(-1)!;
    process.stderr.write(`${row(s)}\n`);
    writeFileSync(join(out, 'samples.json'), JSON.stringify({ samples, events, churn: summary() }, null, 1));
    writeFileSync(join(out, 'server.log'), app.log());
  }
} finally {
  timers.forEach(clearInterval);
  await churn.stop();
  app.app.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}

/** Python processes the server started (each camera with a Python filter has one). */
function pythonChildren(parent: number): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent && /python/.test(stat)) count++;
    } catch {
      // Gone meanwhile.
    }
  }
  return count;
}

function summary() {
  return { connected: churn.connected, gotVideo: churn.gotVideo, noVideo: churn.noVideo, connectFailures: churn.connectFailures };
}

function row(s: Sample): string {
  return `| ${s.minute.toFixed(1)} | ${s.rssMb.toFixed(0)} | ${s.cpuPercent.toFixed(0)} | ${s.fds} | ${s.threads} | ${s.workers} | ${s.python} | ${s.sessions} | ${s.phones} | ${s.fps.toFixed(1)} | ${s.load.toFixed(1)} |`;
}

/** Mean of a measure over samples from `from` to `to` minutes. */
const mean = (key: keyof Sample, from: number, to: number) => {
  const window = samples.filter((s) => s.minute >= from && s.minute < to);
  return window.reduce((sum, s) => sum + s[key], 0) / Math.max(1, window.length);
};
const warmup = Number(values.warmup);
const last = samples.at(-1)?.minute ?? 0;
const span = Math.min(30, (last - warmup) / 3);
const flat = (['rssMb', 'fds', 'threads'] as const).map((key) => {
  const [first, final] = [mean(key, warmup, warmup + span), mean(key, last - span, last + 1)];
  return `| ${key} | ${first.toFixed(1)} | ${final.toFixed(1)} | ${(((final - first) / first) * 100).toFixed(1)} % |`;
});
const everyN = Math.max(1, Math.round(samples.length / 24));
const table = [
  `CamLoop soak: ${last.toFixed(0)} minutes, up to ${values.phones} phones at once (${FILTERS.join(', ')}), a filter switch every 40 s, a recording started or stopped every 90 s, the Python filter edited every 5 minutes.`,
  `Phones connected: ${churn.connected}, got video: ${churn.gotVideo}; no video: ${churn.noVideo.length}; failed to connect: ${churn.connectFailures.length}. Filter switches ${events.filterSwitches}, recordings ${events.recordings}, Python reloads ${events.pythonReloads}, API errors ${events.errors.length}.`,
  '',
  `| measure | first ${span.toFixed(0)} min after ${warmup} min warm-up | last ${span.toFixed(0)} min | change |`,
  '|---|---|---|---|',
  ...flat,
  '',
  '| minute | RSS MB | CPU % | fds | threads | codec workers | Python processes | sessions | phones | fps (median) | load |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...samples.filter((_, i) => i % everyN === 0 || i === samples.length - 1).map(row),
];
writeFileSync(join(out, 'table.md'), `${table.join('\n')}\n`);
writeFileSync(
  join(out, 'rss.png'),
  lineChart([{ points: samples.map((s) => [s.minute, s.rssMb]), colour: [200, 40, 40] }], { xLabel: 'min', yLabel: 'RSS MB' }),
);
process.stdout.write(`${table.join('\n')}\n\n${out}/rss.png\n`);
process.exit(0);
