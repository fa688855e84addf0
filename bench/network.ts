import { parseArgs } from 'node:util';
import type { SessionInfo } from '../electron/core/session/session-info.js';
import type { Browser, Page } from 'playwright-core';
import { launchBrowserOn, startCamera, videoRtpStats, waitForFrames } from '../test/support/browser.js';
import { measureCall, type CallQuality } from '../test/support/call-quality.js';
import { LanApp, openPastCertificateWarning } from '../test/support/lan-app.js';
import { LinkImpairer, type LinkProfile } from '../test/support/link-impairer.js';
import { TestNetwork } from '../test/support/netns.js';

/**
 * `npm run bench:network`: CamLoop on the laptop of a namespaced LAN (HTTPS, --host 0.0.0.0), a
 * Chromium phone behind link_impairer.py, one fresh call per network profile: Start -> first
 * processed frame, then fps, latency, freezes and bitrate each way over a window; and how long the
 * call takes to come back after a 5 s outage. Needs root (namespaces), like the network tests.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    settle: { type: 'string', default: '5' },
    transform: { type: 'string', default: 'invert' },
    resolution: { type: 'string', default: '640x480' },
    /** Only the profiles whose name contains one of these (comma-separated), e.g. 'cap'. */
    profiles: { type: 'string' },
  },
});

const rtt: LinkProfile = { delay_ms: 50, jitter_ms: 10 };
const cap: LinkProfile = { rate_kbps: 1000, queue_ms: 200 };
const PROFILES: [string, LinkProfile][] = [
  ['LAN, no impairment', {}],
  ['100 ms RTT, 20 ms jitter', rtt],
  ['3 % loss each way', { loss: 0.03 }],
  ['100 ms RTT, 20 ms jitter, 3 % loss', { ...rtt, loss: 0.03 }],
  ['1 Mbps cap each way', cap],
  ['1 Mbps cap, 100 ms RTT, 3 % loss', { ...cap, ...rtt, loss: 0.03 }],
];
const CLEAR: LinkProfile = { delay_ms: 0, jitter_ms: 0, loss: 0, rate_kbps: 0, down: false };

const fmt = (v: number | undefined, digits = 0) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));

const network = await TestNetwork.create();
let browser: Browser | undefined;
let lan: LanApp | undefined;
const rows: string[] = [];
try {
  const { host, middle, toPhone, toLan } = await network.addImpairedHost('phone', '10.77.1.3');
  const impairer = await LinkImpairer.start(middle, toPhone, toLan);
  [lan, browser] = await Promise.all([LanApp.start(network), launchBrowserOn(host)]);
  const url = (await lan.api<{ urls: { url: string }[] }>('/api/pairing')).urls[0]!.url;

  /** A call up to its first processed frame; `firstFrameMs` undefined when none came within 30 s of connecting. */
  const call = async (): Promise<{ phone: Page; firstFrameMs?: number }> => {
    const phone = await openPastCertificateWarning(browser!, url);
    await phone.selectOption('#resolution', values.resolution!);
    await phone.selectOption('#transform', values.transform!);
    const started = Date.now();
    await startCamera(phone, 30_000);
    try {
      await waitForFrames(phone, 1);
    } catch {
      return { phone };
    }
    return { phone, firstFrameMs: Date.now() - started };
  };
  /** What the phone and the server say of a call that connected but showed no frame (a row, not a crash). */
  const noFrameDiagnostic = async (phone: Page): Promise<string> => {
    const { inbound, outbound } = await videoRtpStats(phone);
    const pick = (stats: Record<string, number>, keys: string[]) => keys.map((k) => `${k} ${stats[k] ?? '-'}`).join(', ');
    const sessions = await lan!.api<SessionInfo[]>('/api/sessions');
    return [
      `phone receives: ${pick(inbound, ['packetsReceived', 'packetsLost', 'framesReceived', 'framesDecoded', 'keyFramesDecoded', 'nackCount', 'pliCount', 'firCount'])}`,
      `phone sends: ${pick(outbound, ['packetsSent', 'framesSent', 'keyFramesEncoded', 'nackCount', 'pliCount', 'retransmittedPacketsSent'])}`,
      `server: ${JSON.stringify(sessions.map(({ stats, forwarding, connectionState, errors }) => ({ stats, forwarding, connectionState, errors })))}`,
      `server log, last lines:\n${lan!.app.log().split('\n').slice(-15).join('\n')}`,
    ].join('\n');
  };
  const hangUp = async (phone: Page) => {
    await phone.click('#stop').catch(() => {});
    await phone.context().close();
  };

  const wanted = values.profiles?.split(',');
  for (const [name, profile] of PROFILES.filter(([name]) => !wanted || wanted.some((w) => name.includes(w)))) {
    await impairer.both({ ...CLEAR, ...profile });
    const countsBefore = await impairer.counts();
    const { phone, firstFrameMs } = await call();
    if (firstFrameMs === undefined) {
      process.stderr.write(`${name}: connected, no processed frame within 30 s\n${await noFrameDiagnostic(phone)}\n`);
      rows.push(`| ${name} | no frame in 30 s (see the diagnostic above) | | | | | | | | | |`);
      await hangUp(phone);
      continue;
    }
    await phone.waitForTimeout(Number(values.settle) * 1000);
    const q: CallQuality = await measureCall(phone, Number(values.seconds));
    const counts = await impairer.counts();
    // What the link dropped from the call's start: its losses, and its full queue (drop-tail).
    const dropped = (['up', 'down'] as const).map(
      (d) => `${counts[d].lost - countsBefore[d].lost} + ${counts[d].queue_full - countsBefore[d].queue_full}`,
    );
    const size = await phone.evaluate(() => {
      const v = document.getElementById('remote') as HTMLVideoElement;
      return `${v.videoWidth}x${v.videoHeight}`;
    });
    rows.push(
      `| ${name} | ${firstFrameMs} | ${size} | ${fmt(q.fps, 1)} | ${fmt(q.latencyP50)} | ${fmt(q.latencyP95)} | ${q.freezes} | ${fmt(q.longestGapMs)} | ${fmt(q.kbpsUp)} | ${fmt(q.kbpsDown)} | ${dropped.join(' / ')} |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
    await hangUp(phone);
  }

  // A 5 s outage on a clean link: from the link's return to frames coming back again.
  await impairer.both(CLEAR);
  const { phone } = await call();
  await phone.waitForTimeout(3000);
  await impairer.both({ down: true });
  await phone.waitForTimeout(5000);
  const returned = Date.now();
  await impairer.both({ down: false });
  await phone.waitForFunction(() => document.body.dataset.state === 'connected', null, { timeout: 30_000, polling: 50 });
  await waitForFrames(phone, 5);
  const outageBackMs = Date.now() - returned;
  await hangUp(phone);
  impairer.stop();

  process.stdout.write(
    [
      `CamLoop on a namespaced LAN, Chromium phone behind link_impairer.py, ${values.resolution} ${values.transform}, ${values.seconds} s per profile after ${values.settle} s:`,
      '',
      '| link | Start -> first frame (ms) | size back | fps back | latency p50 (ms) | p95 (ms) | freezes > 500 ms | longest gap (ms) | phone sends (kbps) | phone receives (kbps) | link drops, lost + queue full (up / down) |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `5 s outage: frames back ${outageBackMs} ms after the link returned.`,
      '',
    ].join('\n'),
  );
} finally {
  await browser?.close().catch(() => {});
  await lan?.stop();
  await network.destroy();
}
