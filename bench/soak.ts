import { parseArgs } from 'node:util';
import { BrowserlessPeer } from '../test/support/browserless-peer.js';
import { makeVp8Clip } from '../test/support/clip.js';
import { cpuSeconds, rssMb, servers } from './servers.js';
import { percentile } from './stats.js';

/**
 * `npm run bench:soak`: a long session, to see CPU and memory creep. Browserless phones send the
 * camera-like clip to a CamLoop process; each interval prints the server's RSS, CPU, the fps each
 * phone gets back and the send-to-return delay.
 */
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    peers: { type: 'string', default: '2' },
    transform: { type: 'string', default: 'edges' },
    interval: { type: 'string', default: '60' },
  },
});

const median = (v: number[]) => percentile(v, 50) ?? NaN;

const server = await servers.camloop(18_900);
const clip = makeVp8Clip(640, 480, 60);
const peers = Array.from({ length: Number(values.peers) }, () => new BrowserlessPeer(clip));
const lines = ['| minute | server RSS MB | server CPU % | fps per phone (median) | delay p50 ms |', '|---|---|---|---|---|'];
try {
  await Promise.all(peers.map((p) => p.connect(server.url, values.transform)));
  const interval = Number(values.interval);
  const end = Date.now() + Number(values.minutes) * 60_000;
  let cpu = await cpuSeconds(server.pid!);
  let frames = peers.map((p) => p.stats.framesReceived);
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, interval * 1000));
    const cpuNow = await cpuSeconds(server.pid!);
    const framesNow = peers.map((p) => p.stats.framesReceived);
    const fps = framesNow.map((f, i) => (f - frames[i]) / interval);
    const delay = median(peers.flatMap((p) => p.stats.latencies.slice(-200)));
    lines.push(
      `| ${(Number(values.minutes) - (end - Date.now()) / 60_000).toFixed(1)} | ${(await rssMb(server.pid!)).toFixed(0)} | ${(((cpuNow - cpu) / interval) * 100).toFixed(0)} | ${median(fps).toFixed(1)} | ${delay.toFixed(0)} |`,
    );
    process.stderr.write(`${lines.at(-1)}\n`);
    cpu = cpuNow;
    frames = framesNow;
  }
} finally {
  await Promise.all(peers.map((p) => p.close()));
  await server.stop();
}
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0);
