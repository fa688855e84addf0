import { parseArgs } from 'node:util';
import { BrowserlessPeer } from '../test/support/browserless-peer.js';
import { makeVp8Clip } from '../test/support/clip.js';
import { cpuSeconds, rssMb, serverNamed, threadCpuSeconds } from './servers.js';
import { percentile } from './stats.js';

/**
 * `npm run bench:peers`: many phones without browsers (werift peers sending a pre-encoded 640x480
 * VP8 clip at 30 fps) against CamLoop and/or aiortc, with one transform. Per row: how many phones
 * got in (and were refused), per-phone fps (min / median / max and the slowest over the fastest),
 * the total, server CPU per returned frame (all threads, and its main thread's share), send-to-
 * return delay (CamLoop keeps RTP timestamps; aiortc does not, so no figure there) and memory.
 * The phones behave like the camera page: they send at the frame rate CamLoop asks of them (its
 * session info's sendFps, polled on the `control` channel) and answer keyframe requests; --fixed
 * makes them send 30 fps whatever happens and ignore keyframe requests, as the bench's phones did before.
 */
const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'camloop,aiortc' },
    peers: { type: 'string', default: '1,8,16,30' },
    transform: { type: 'string', default: 'edges' },
    seconds: { type: 'string', default: '10' },
    /** Seconds from the last phone's connection to the measured window. */
    settle: { type: 'string', default: '10' },
    /** Milliseconds between two phones' offers (0: all at once). */
    stagger: { type: 'string', default: '0' },
    fixed: { type: 'boolean', default: false },
  },
});
const phoneOptions = values.fixed ? {} : { followSendFps: true, answerPli: true };

const pct = (v: number[], p: number) => percentile(v, p) ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const clip = makeVp8Clip(640, 480, 60);
const lines = [
  '| server | phones | transform | fps per phone min / median / max | slowest / fastest | total fps | sent fps per phone (median) / asked | CPU ms per returned frame (main thread) | delay p50 / p95 (ms) | server CPU % | RSS MB (idle -> loaded) | MB per phone |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];
let port = 18_700 + Math.floor(Math.random() * 200);
for (const name of values.servers.split(',')) {
  for (const count of values.peers.split(',').map(Number)) {
    const server = await serverNamed(name)(port++);
    try {
      await sleep(1500);
      const pid = server.pid!;
      const idle = await rssMb(pid);
      const all = Array.from({ length: count }, () => new BrowserlessPeer(clip, phoneOptions));
      const outcomes = await Promise.allSettled(
        all.map((p, i) => sleep(i * Number(values.stagger)).then(() => p.connect(server.url, values.transform))),
      );
      // A phone refused (503) or failed is reported, not hidden: the row counts the others.
      const failed = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
      const refused = failed.filter((f) => /\b503\b/.test(String(f.reason))).length;
      for (const f of failed) process.stderr.write(`${server.name}: a phone did not get in: ${String(f.reason).slice(0, 300)}\n`);
      const peers = all.filter((_, i) => outcomes[i].status === 'fulfilled');
      await sleep(Number(values.settle) * 1000);
      const before = peers.map((p) => p.stats.framesReceived);
      const sentBefore = peers.map((p) => p.stats.framesSent);
      const [cpu0, main0] = [await cpuSeconds(pid), await threadCpuSeconds(pid, pid)];
      const seconds = Number(values.seconds);
      await sleep(seconds * 1000);
      const [cpu1, main1] = [await cpuSeconds(pid), await threadCpuSeconds(pid, pid)];
      const loaded = await rssMb(pid);
      const fps = peers.map((p, i) => (p.stats.framesReceived - before[i]) / seconds);
      const sent = peers.map((p, i) => (p.stats.framesSent - sentBefore[i]) / seconds);
      const asked = peers.map((p) => p.stats.sendFps).filter((f) => f !== null);
      // The range asked of the phones at the end (only CamLoop asks).
      const askedText = values.fixed
        ? 'ignored'
        : !name.startsWith('camloop')
          ? '-'
          : asked.length
            ? `${pct(asked, 0)}-${pct(asked, 100)}`
            : 'no limit';
      const delays = name.startsWith('camloop') ? peers.flatMap((p) => p.stats.latencies.slice(-100)) : [];
      const total = fps.reduce((a, b) => a + b, 0);
      const perFrame = (cpu: number) => (total ? ((cpu * 1000) / (total * seconds)).toFixed(1) : '-');
      const got = `${peers.length}${failed.length ? ` of ${count}${refused ? `, ${refused} refused (503)` : ''}` : ''}`;
      const fairness = pct(fps, 100) ? (pct(fps, 0) / pct(fps, 100)).toFixed(2) : '-';
      lines.push(
        `| ${server.name} | ${got} | ${values.transform} | ${pct(fps, 0).toFixed(1)} / ${pct(fps, 50).toFixed(1)} / ${pct(fps, 100).toFixed(1)} | ${fairness} | ${total.toFixed(0)} | ${pct(sent, 50).toFixed(1)} / ${askedText} | ${perFrame(cpu1 - cpu0)} (${perFrame(main1 - main0)}) | ${delays.length ? `${pct(delays, 50).toFixed(0)} / ${pct(delays, 95).toFixed(0)}` : '-'} | ${(((cpu1 - cpu0) / seconds) * 100).toFixed(0)} | ${idle.toFixed(0)} -> ${loaded.toFixed(0)} | ${((loaded - idle) / Math.max(1, peers.length)).toFixed(0)} |`,
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
