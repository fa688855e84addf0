import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import { serveAiortcClient } from '../support/aiortc-client.js';
import { startAiortcClient, waitForAiortcVideo } from '../support/aiortc-page.js';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import { BROWSER_START_KBPS } from '../../electron/core/webrtc/media-config.js';
import { openCameraPage, probe, videoBytesReceived } from '../support/browser.js';
import { api } from '../support/server.js';
import { useServerAndBrowser } from '../support/fixture.js';

let server: CamLoopServer;
let browser: Browser;
let client: { url: string; close: () => Promise<void> };
const cleanups = useServerAndBrowser({}, async (s, b) => {
  [server, browser] = [s, b];
  client = await serveAiortcClient(server.url);
  cleanups.add(() => client.close());
});

it("with no SDP munging on the page, Chromium's send target climbs past our start hint and holds >= 1 Mbps for 10 s (our transport-cc feedback)", async () => {
  const page = await startAiortcClient(browser, client.url, { video: { transform: 'none' }, audio: false, datachannel: false });
  await waitForAiortcVideo(page, 5);
  const sendTarget = () =>
    page.evaluate(async () => {
      const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
      for (const stat of (await pc.getStats()).values())
        if (stat.type === 'outbound-rtp' && stat.kind === 'video') return (stat.targetBitrate as number) ?? 0;
      return 0;
    });
  // Every 0.5 s for 10 s, in kbps. Our answer starts Chrome at BROWSER_START_KBPS; only honest feedback
  // on its probes takes it higher, and only feedback without phantom queuing keeps it there.
  const trace: number[] = [];
  for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 500)))
    trace.push(Math.round((await sendTarget()) / 1000));
  const detail = `send target every 0.5 s (kbps): ${trace.join(' ')}`;
  assert.ok(Math.max(...trace) > BROWSER_START_KBPS * 1.2, `never climbed past the start hint; ${detail}`);
  assert.ok(trace.at(-1)! >= 1000, `below 1 Mbps after 10 s; ${detail}`);
  await page.close();
});

it('the encoder follows a bitrate cap set through the API, and lifts it again', async () => {
  const page = await openCameraPage(browser, `${server.url}/`, { transform: 'invert' });
  await page.evaluate(() => ((window as unknown as { fakeCamera: { scene: string } }).fakeCamera.scene = 'noise'));
  const session = await newestSession();
  const received = async (ms: number) => {
    const bytes = () => videoBytesReceived(page);
    const before = await bytes();
    await new Promise((r) => setTimeout(r, ms));
    return (((await bytes()) - before) * 8) / (ms / 1000);
  };
  await new Promise((r) => setTimeout(r, 3000));
  const free = await received(3000);
  const capped = await api(server, `/api/sessions/${session.id}/max-bitrate`, {
    method: 'PUT',
    body: JSON.stringify({ maxBitrate: 200_000 }),
  });
  assert.equal(capped.status, 200);
  assert.equal(((await capped.json()) as SessionInfo).bitrate?.max, 200_000);
  await new Promise((r) => setTimeout(r, 1500));
  const low = await received(3000);
  const framesBefore = (await probe(page)).frames;
  await api(server, `/api/sessions/${session.id}/max-bitrate`, { method: 'PUT', body: JSON.stringify({ maxBitrate: null }) });
  await new Promise((r) => setTimeout(r, 1500));
  const again = await received(3000);
  const info = (await (await api(server, `/api/sessions/${session.id}`)).json()) as SessionInfo;
  console.log(
    `free ${Math.round(free / 1000)} kbps, capped ${Math.round(low / 1000)} kbps, lifted ${Math.round(again / 1000)} kbps, estimate ${info.bitrate?.estimate}, encoder ${info.stats?.encoderBitrate}`,
  );
  assert.ok(free > 600_000, `uncapped the encoder should fill the link for noise (got ${Math.round(free / 1000)} kbps)`);
  // The cap holds even where the encoder's rate control cannot (frames are skipped); RTP/SRTP headers are on top.
  assert.ok(low < 320_000 && low < free * 0.5, `capped at 200 kbps it sent ${Math.round(low / 1000)} kbps`);
  assert.ok(again > 600_000, `after lifting the cap it sent ${Math.round(again / 1000)} kbps`);
  assert.ok((await probe(page)).frames > framesBefore + 30, 'frames kept arriving');
  assert.ok(info.bitrate?.estimate, 'the send-side estimate is reported');
  await page.close();
});

it('a link too slow for the full picture gets a smaller one, at a higher frame rate', async () => {
  const page = await openCameraPage(browser, `${server.url}/`, { transform: 'edges' });
  // A panning fine texture through Canny: a dense, moving edge map that no quantiser brings under the cap at 640x480.
  await page.evaluate(() => ((window as unknown as { fakeCamera: { scene: string } }).fakeCamera.scene = 'texture'));
  const session = await newestSession();
  const capped = await api(server, `/api/sessions/${session.id}/max-bitrate`, {
    method: 'PUT',
    body: JSON.stringify({ maxBitrate: 300_000 }),
  });
  assert.equal(capped.status, 200);
  // Judge the frame rate at the size it settles on: a step down starts with a keyframe whose bits
  // the budget pays back over up to a second, so a window right after a step sees a pause.
  const sentWidth = async () => ((await (await api(server, `/api/sessions/${session.id}`)).json()) as SessionInfo).stats?.sentWidth;
  const settleBy = Date.now() + 25_000;
  await new Promise((r) => setTimeout(r, 4000));
  for (let width = await sentWidth(), stableSince = Date.now(); Date.now() - stableSince < 3000 && Date.now() < settleBy;) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await sentWidth();
    if (now !== width) [width, stableSince] = [now, Date.now()];
  }
  const before = await probe(page);
  await new Promise((r) => setTimeout(r, 3000));
  const after = await probe(page);
  const fps = (after.frames - before.frames) / 3;
  // The size the server sends and the size the phone shows, read together (a step in between
  // reaches the phone with its keyframe a moment later: read again).
  let shown: number;
  let stats: NonNullable<SessionInfo['stats']>;
  for (let tries = 0; ; tries++) {
    stats = ((await (await api(server, `/api/sessions/${session.id}`)).json()) as SessionInfo).stats!;
    shown = await page.evaluate(() => (document.querySelector('#remote') as HTMLVideoElement).videoWidth);
    if (shown === stats.sentWidth || tries === 10) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(
    `capped at 300 kbps: ${fps.toFixed(1)} fps at ${stats.sentWidth}x${stats.sentHeight} (camera ${stats.width}x${stats.height}, phone shows ${shown} wide)`,
  );
  assert.ok(stats.sentWidth < stats.width && stats.sentHeight < stats.height, `sent at ${stats.sentWidth}x${stats.sentHeight}`);
  assert.equal(shown, stats.sentWidth, 'the phone receives the smaller picture');
  // Canny means the same at any size: it runs at the size sent (crisp lines, less work), not at the camera's.
  assert.deepEqual([stats.workWidth, stats.workHeight], [stats.sentWidth, stats.sentHeight], 'edges ran at the size sent');
  // At 640x480 about one frame a second fits (this scene's edge map is nearly incompressible); smaller, several do.
  assert.ok(fps >= 2, `${fps.toFixed(1)} fps arrive`);
  await page.close();
});

it('a bad bitrate cap is a 400 and changes nothing', async () => {
  const page = await openCameraPage(browser, `${server.url}/`, { transform: 'none' });
  const session = await newestSession();
  for (const body of ['{"maxBitrate": 5}', '{"maxBitrate": "1M"}', '{}', '[', '{"maxBitrate": 1500000.5}']) {
    const res = await api(server, `/api/sessions/${session.id}/max-bitrate`, { method: 'PUT', body });
    assert.equal(res.status, 400, body);
  }
  const info = (await (await api(server, `/api/sessions/${session.id}`)).json()) as SessionInfo;
  assert.equal(info.bitrate?.max, null);
  await page.close();
});

async function newestSession(): Promise<SessionInfo> {
  const sessions = (await (await api(server, '/api/sessions')).json()) as SessionInfo[];
  return sessions.sort((a, b) => a.createdAt - b.createdAt).at(-1)!;
}
