import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { BrowserlessPeer } from '../test/support/browserless-peer.js';
import { makeVp8Clip } from '../test/support/clip.js';
import { rssMb, serverNamed, type BenchServer } from './servers.js';
import { percentile } from './stats.js';

/**
 * `npm run bench:churn`: phones that connect, get processed frames back and leave without a
 * goodbye, one every --interval ms (default 1400) whether or not the last one was freed; every
 * --kill-every'th (default 4) is a process SIGKILLed mid-call, the others close a werift peer (no
 * BYE, no close_notify). Then the time the server takes to free a vanished peer (its fds back),
 * and RSS, threads and fds idle and after, for CamLoop and aiortc side by side.
 */
const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'camloop,aiortc' },
    cycles: { type: 'string', default: '100' },
    interval: { type: 'string', default: '1400' },
    'kill-every': { type: 'string', default: '4' },
    transform: { type: 'string', default: 'edges' },
  },
});

const PEER = new URL('./churn-peer.js', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = async (pid: number, what: 'fd' | 'task') => (await readdir(`/proc/${pid}/${what}`)).length;
const clip = makeVp8Clip(640, 480, 30);

/** One phone: true when processed frames came back within 10 s. `kill`: a child process SIGKILLed after that. */
async function cycle(url: string, kill: boolean): Promise<boolean> {
  if (!kill) {
    const peer = new BrowserlessPeer(clip);
    try {
      await peer.connect(url, values.transform);
      for (let waited = 0; peer.stats.framesReceived < 5; waited += 20) {
        if (waited > 10_000) return false;
        await sleep(20);
      }
      return true;
    } catch {
      return false;
    } finally {
      await peer.close();
    }
  }
  const child = spawn(process.execPath, [PEER, url, values.transform], { stdio: ['ignore', 'pipe', 'ignore'] });
  const ok = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 12_000);
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('frames') && (clearTimeout(timer), resolve(true)));
    child.once('exit', () => (clearTimeout(timer), resolve(false)));
  });
  child.kill('SIGKILL');
  return ok;
}

/** Waits until the server's fds are back to `target` (or 60 s); returns the ms it took. */
async function fdsBackTo(pid: number, target: number): Promise<number> {
  const start = Date.now();
  while ((await count(pid, 'fd')) > target && Date.now() - start < 60_000) await sleep(100);
  return Date.now() - start;
}

async function measure(server: BenchServer): Promise<string> {
  const pid = server.pid!;
  await sleep(4000); // started, spare worker warmed
  const idle = { rss: await rssMb(pid), threads: await count(pid, 'task'), fds: await count(pid, 'fd') };
  const cycles = Number(values.cycles);
  const killEvery = Number(values['kill-every']);
  let ok = 0;
  const running: Promise<boolean>[] = [];
  // RSS at each quarter: creep grows with the cycles, a high-water mark does not.
  const quarters: number[] = [];
  for (let i = 0; i < cycles; i++) {
    running.push(cycle(server.url, killEvery > 0 && i % killEvery === killEvery - 1));
    await sleep(Number(values.interval));
    if (running.length > 8) ok += Number(await running.shift());
    if ((i + 1) % Math.max(1, Math.floor(cycles / 4)) === 0) quarters.push(await rssMb(pid));
  }
  for (const r of running) ok += Number(await r);
  await fdsBackTo(pid, idle.fds);
  await sleep(5000);
  // Time to free one vanished peer, alone: three SIGKILLed phones, one at a time.
  const frees: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = await count(pid, 'fd');
    if (await cycle(server.url, true)) frees.push(await fdsBackTo(pid, before));
  }
  await sleep(5000);
  const after = { rss: await rssMb(pid), threads: await count(pid, 'task'), fds: await count(pid, 'fd') };
  const free = frees.length ? `${(percentile(frees, 50)! / 1000).toFixed(1)}` : '-';
  return `| ${server.name} | ${ok} of ${cycles} | ${free} | ${quarters.map((q) => q.toFixed(0)).join(' / ')} | ${idle.rss.toFixed(0)} -> ${after.rss.toFixed(0)} (${after.rss - idle.rss >= 0 ? '+' : ''}${(after.rss - idle.rss).toFixed(0)}) | ${idle.threads} -> ${after.threads} | ${idle.fds} -> ${after.fds} |`;
}

const lines = [
  `| server | cycles with frames back | time to free a vanished peer (s, median of 3) | RSS MB at each quarter, loaded | RSS MB idle -> after | threads idle -> after | fds idle -> after |`,
  '|---|---|---|---|---|---|---|',
];
let port = 18_900;
for (const name of values.servers.split(',')) {
  const server = await serverNamed(name)(port++);
  try {
    lines.push(await measure(server));
    process.stderr.write(`${lines.at(-1)}\n`);
  } finally {
    await server.stop();
  }
}
process.stdout.write(
  `${lines.join('\n')}\n(${values.cycles} cycles, one every ${values.interval} ms, transform ${values.transform}, every ${values['kill-every']}th SIGKILLed)\n`,
);
process.exit(0);
