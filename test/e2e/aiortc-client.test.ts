import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import { serveAiortcClient } from '../support/aiortc-client.js';
import { probe, sample } from '../support/browser.js';
import { inboundAudio, startAiortcClient, waitForAiortcVideo } from '../support/aiortc-page.js';
import { useServerAndBrowser } from '../support/fixture.js';

let server: CamLoopServer;
let browser: Browser;
let client: { url: string; close: () => Promise<void> };
const cleanups = useServerAndBrowser({}, async (s, b) => {
  [server, browser] = [s, b];
  client = await serveAiortcClient(server.url);
  cleanups.add(() => client.close());
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
      const page = await startAiortcClient(browser, client.url, {
        video: { transform, codec },
        audio: audio && { codec: 'default' },
        datachannel: '{"ordered": true}',
      });
      await waitForAiortcVideo(page, 30);
      const out = await sample(page, '#video');
      assert.equal(out.width, 640);
      assert.equal(out.height, 480);
      assert.ok((await probe(page, '#video')).frames >= 30);
      // What an echo could not show: the server's own account, and pixels only a filter makes.
      const [session] = server.sessions.list().map((s) => s.info());
      assert.equal(session.transform[0].id, transform);
      if (codec !== 'default') assert.equal(session.codec, codec.split('/')[0].toLowerCase(), 'the codec the client asked for');
      if (transform === 'edges') assert.ok(out.meanLuma < 40, `edges are mostly dark (${out.meanLuma.toFixed(1)})`);
      if (transform === 'none') assert.equal(session.forwarding, true, "the client's own packets go back untouched (no decode, no encode)");
      if (transform === 'rotate') {
        assert.equal(session.forwarding, false);
        // The fake camera's corners are bright; rotated, the picture leaves them black.
        const corners: number[] = [];
        for (let i = 0; i < 8 && !corners.some((c) => c < 30); i++) {
          corners.push((await sample(page, '#video')).cornerLuma);
          await new Promise((r) => setTimeout(r, 250));
        }
        assert.ok(
          corners.some((c) => c < 30),
          `corners turn black as the picture rotates (${corners.map((c) => c.toFixed(0)).join(', ')})`,
        );
      }
      if (audio) {
        assert.ok(session.audioCodec, 'audio was negotiated');
        const heard = await inboundAudio(page);
        assert.ok(
          heard.packetsReceived > 20 && heard.totalAudioEnergy > 0,
          `audio comes back with sound in it (${heard.packetsReceived} packets, energy ${heard.totalAudioEnergy})`,
        );
      }
      await page.close();
      await Promise.all(server.sessions.list().map((s) => s.close()));
    });
  }
});
