import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/server.js';
import { serveAiortcClient } from '../support/aiortc-client.js';
import { launchBrowser, probe, sample } from '../support/browser.js';
import { startAiortcClient, waitForAiortcVideo } from '../support/aiortc-page.js';
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

const cases = [
  { transform: 'edges', codec: 'VP8/90000', audio: false },
  { transform: 'none', codec: 'H264/90000', audio: false },
  { transform: 'rotate', codec: 'default', audio: true },
];

describe("aiortc's examples/server client, unmodified, against CamLoop", () => {
  for (const { transform, codec, audio } of cases) {
    it(`video ${transform}, codec ${codec}, audio ${audio ? 'on' : 'off'}: processed frames come back`, async () => {
      // The client's defaults otherwise: data channel on (ordered), STUN off.
      const page = await startAiortcClient(browser, client.url, { video: { transform, codec }, audio: audio && { codec: 'default' }, datachannel: '{"ordered": true}' });
      await waitForAiortcVideo(page, 30);
      const out = await sample(page, '#video');
      assert.equal(out.width, 640);
      assert.equal(out.height, 480);
      if (transform === 'edges') assert.ok(out.meanLuma < 40, `edges are mostly dark (${out.meanLuma.toFixed(1)})`);
      assert.ok((await probe(page, '#video')).frames >= 30);
      await page.close();
      await Promise.all(server.sessions.list().map((s) => s.close()));
    });
  }
});
