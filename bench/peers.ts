import { parseArgs } from 'node:util';
import { BrowserlessPeer } from '../test/support/browserless-peer.js';
import { makeVp8Clip } from '../test/support/clip.js';
import { cpuSeconds, rssMb, serverNamed } from './servers.js';
import { percentile } from './stats.js';

/**
 * `npm run bench:peers`: many phones without browsers (werift peers sending a pre-encoded 640x480
 * VP8 clip at 30 fps) against CamLoop and/or aiortc, with one transform. Prints per-phone fps,
 * total processed fps, send-to-return delay (CamLoop keeps RTP timestamps; aiortc does not, so
 * no figure there), server CPU and memory per phone.
 */
const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'camloop,aiortc' },
    peers: { type: 'string', default: '8,12' },
    transform: { type: 'string', default: 'edges' },
    seconds: { type: 'string', default: '10' },
  },
});

const pct = (v: number[], p: number) => percentile(v, p)!;

const clip = makeVp8Clip(640, 480, 60);
const lines = [
  '| server | phones | transform | fps per phone min / median / max | total fps | delay p50 / p95 (ms) | server CPU % | RSS MB (idle -> loaded) | MB per phone |',
  '|---|---|---|---|---|---|---|---|---|',
];
let port = 18_700;
for (const name of values.servers.split(',')) {
  for (const count of values.peers.split(',').map(Number)) {
    const server = await serverNamed(name)(port++);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const idle = await rssMb(server.pid!);
      const all = Array.from({ length: count }, () => new BrowserlessPeer(clip));
      const outcomes = await Promise.allSettled(all.map((p) => p.connect(server.url, values.transform)));
      // A peer that failed to connect is reported, not hidden: the row then counts only the others.
      const failed = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
      for (const f of failed) process.stderr.write(`${server.name}: a peer failed to connect: ${f.reason}\n`);
      const peers = all.filter((_, i) => outcomes[i].status === 'fulfilled');
      await new Promise((r) => setTimeout(r, 3000));
      const before = peers.map((p) => p.stats.framesReceived);
      const cpu0 = await cpuSeconds(server.pid!);
      const seconds = Number(values.seconds);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const cpu1 = await cpuSeconds(server.pid!);
      const loaded = await rssMb(server.pid!);
      const fps = peers.map((p, i) => (p.stats.framesReceived - before[i]) / seconds);
      const delays = name === 'camloop' ? peers.flatMap((p) => p.stats.latencies.slice(-100)) : [];
      const total = fps.reduce((a, b) => a + b, 0);
      lines.push(
        `| ${server.name} | ${failed.length ? `${peers.length} of ${count} connected` : count} | ${values.transform} | ${pct(fps, 0).toFixed(1)} / ${pct(fps, 50).toFixed(1)} / ${pct(fps, 100).toFixed(1)} | ${total.toFixed(0)} | ${delays.length ? `${pct(delays, 50).toFixed(0)} / ${pct(delays, 95).toFixed(0)}` : '-'} | ${(((cpu1 - cpu0) / seconds) * 100).toFixed(0)} | ${idle.toFixed(0)} -> ${loaded.toFixed(0)} | ${((loaded - idle) / count).toFixed(0)} |`,
      );
      process.stderr.write(`${lines.at(-1)}\n`);
      await Promise.all(all.map((p) => p.close()));
    } finally {
      await server.stop();
    }
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0);
