import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/server.js';
import { serveAiortcClient } from '../support/aiortc-client.js';
import { startAiortcClient, waitForAiortcVideo } from '../support/aiortc-page.js';
import { launchBrowser } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

let server: CamLoopServer;
let browser: Browser;
let client: { url: string; close: () => Promise<void> };
before(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  client = await serveAiortcClient(server.url);
});
after(async () => {
  await browser.close();
  await client.close();
  await server.close();
});

it("with no SDP munging, Chromium's send target reaches 1 Mbps within 10 s (our transport-cc feedback)", async () => {
  const page = await startAiortcClient(browser, client.url, { video: { transform: 'none' }, audio: false, datachannel: false });
  await waitForAiortcVideo(page, 5);
  const sendTarget = () =>
    page.evaluate(async () => {
      const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
      for (const stat of (await pc.getStats()).values()) if (stat.type === 'outbound-rtp' && stat.kind === 'video') return (stat.targetBitrate as number) ?? 0;
      return 0;
    });
  const deadline = Date.now() + 10_000;
  let target = await sendTarget();
  while (target < 1_000_000 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    target = await sendTarget();
  }
  assert.ok(target >= 1_000_000, `send target ${Math.round(target / 1000)} kbps after 10 s`);
  await page.close();
});
