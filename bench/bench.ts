import { parseArgs } from 'node:util';
import { launchBrowser } from '../test/support/browser.js';
import { runCell, type CellResult } from './cell.js';
import { serverNamed, type BenchServer } from './servers.js';

const USAGE = `npm run bench -- [options]

  --servers LIST      comma-separated: camloop, aiortc, echo, echo-cc, camloop@DIR (default camloop); echo-cc
                      is the echo negotiating transport-cc both ways, as CamLoop does; camloop@DIR
                      is CamLoop built in another checkout (before and after a change in one run)
  --url URL           benchmark an already-running aiortc-compatible server instead (no CPU figures
                      unless --pid is given)
  --pid PID           process to read CPU from for --url
  --resolutions LIST  default 640x480,1280x720
  --transforms LIST   default none,edges,cartoon,rotate; CamLoop takes any transform id, plugins too
  --seconds N         measured seconds per cell (default 8)
  --hold-resolution   the browser keeps the asked resolution under pressure (drops frame rate
                      instead), so every server gets the same frame size: CPU per frame compares
                      like with like
  --equal-bitrate BPS the browser sends at most BPS, and CamLoop sends back at most BPS
                      (--max-bitrate): CPU per frame at equal bits (aiortc's REMB holds
                      its browser at 150-330 kbps)
  --pin-bitrate       with --equal-bitrate: the browser sends BPS whatever each server's feedback
                      says (its estimate's floor and ceiling set to BPS), so every server decodes
                      the same bits; see "sent kbps" and "back kbps" in the table
`;

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: 'camloop' },
    url: { type: 'string' },
    pid: { type: 'string' },
    resolutions: { type: 'string', default: '640x480,1280x720' },
    transforms: { type: 'string', default: 'none,edges,cartoon,rotate' },
    seconds: { type: 'string', default: '8' },
    'hold-resolution': { type: 'boolean', default: false },
    'equal-bitrate': { type: 'string' },
    'pin-bitrate': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const equalBitrate = values['equal-bitrate'] === undefined ? undefined : Number(values['equal-bitrate']);
const fmt = (v: number | undefined, digits = 0) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

async function main(): Promise<void> {
  const browser = await launchBrowser();
  const results: CellResult[] = [];
  const targets: (() => Promise<BenchServer>)[] = values.url
    ? [async () => ({ name: values.url!, url: values.url!, pid: values.pid ? Number(values.pid) : undefined, stop: async () => {} })]
    : values.servers.split(',').map((name, i) => {
        const start = serverNamed(name);
        return () => start(18_500 + i, equalBitrate ? ['--max-bitrate', String(equalBitrate)] : []);
      });
  for (const startServer of targets) {
    const server = await startServer();
    try {
      for (const resolution of values.resolutions.split(',')) {
        for (const transform of server.name.startsWith('werift echo') ? ['none'] : values.transforms.split(',')) {
          const result = await runCell(browser, server, resolution, transform, Number(values.seconds), {
            holdResolution: values['hold-resolution'],
            clientMaxBitrate: equalBitrate,
            clientPinBitrate: values['pin-bitrate'] ? equalBitrate : undefined,
          });
          results.push(result);
          process.stderr.write(
            `${server.name} ${resolution} ${transform}: ${fmt(result.fps, 1)} fps, p50 ${fmt(result.latencyP50)} ms, cpu ${fmt(result.cpuMsPerFrame, 1)} ms/frame\n`,
          );
        }
      }
    } finally {
      await server.stop();
    }
  }
  await browser.close();

  const lines = [
    '| server | resolution | transform | size back | fps back | latency p50 (ms) | p95 (ms) | server CPU ms/frame | first frame (ms) | browser send target (kbps) | browser send fps | sent kbps | back kbps | fps received |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.server} | ${r.resolution} | ${r.transform} | ${r.width}x${r.height} | ${fmt(r.fps, 1)} | ${fmt(r.latencyP50)} | ${fmt(r.latencyP95)} | ${fmt(r.cpuMsPerFrame, 1)} | ${fmt(r.firstFrameMs)} | ${fmt(r.sendTargetKbps)} | ${fmt(r.sendFps, 1)} | ${fmt(r.sentKbps)} | ${fmt(r.backKbps)} | ${fmt(r.receivedFps, 1)} |`,
    ),
    '',
    'Where the browser spends the time (ms; jitter buffer, its target and assembly per frame coming back, pacer per packet going out):',
    '',
    '| server | resolution | transform | jitter buffer | jitter target | assembly | inter-frame sd | keyframes back | pacer | RTT |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      ({ server, resolution, transform, browser: b }) =>
        `| ${server} | ${resolution} | ${transform} | ${fmt(b.jitterBufferMs, 1)} | ${fmt(b.jitterTargetMs, 1)} | ${fmt(b.assemblyMs, 1)} | ${fmt(b.interFrameSdMs, 1)} | ${fmt(b.keyframesReceived)} | ${fmt(b.sendDelayMs, 1)} | ${fmt(b.rttMs, 1)} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
