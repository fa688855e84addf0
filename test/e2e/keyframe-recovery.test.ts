import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { RTCDtlsTransport, type RtpHeader } from 'werift';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import { openCameraPage, probe, videoRtpStats } from '../support/browser.js';
import { useServerAndBrowser } from '../support/fixture.js';

/** What the phone loses: everything the server sends it for this long from its first packet, keyframe and its repairs too. */
const LOST_MS = 1500;

let server: CamLoopServer;
let browser: Browser;
useServerAndBrowser({}, (s, b) => void ([server, browser] = [s, b]));

// A phone that missed the start of what comes back (Wi-Fi waking up, a loss burst) has packets
// but no keyframe to decode them from: it asks for one (PLI), and only the answer brings a picture.
describe('a phone that lost the first keyframe back', () => {
  const sendRtp = RTCDtlsTransport.prototype.sendRtp;
  before(() => {
    const firstSent = new WeakMap<RTCDtlsTransport, number>();
    RTCDtlsTransport.prototype.sendRtp = function (this: RTCDtlsTransport, payload: Buffer, header: RtpHeader) {
      if (!firstSent.has(this)) firstSent.set(this, Date.now());
      if (Date.now() - firstSent.get(this)! < LOST_MS) return Promise.resolve(0);
      return sendRtp.call(this, payload, header);
    };
  });
  after(() => {
    RTCDtlsTransport.prototype.sendRtp = sendRtp;
  });

  for (const transform of ['invert', 'none']) {
    it(`${transform}: its keyframe requests are answered and the picture comes within 3 s of the loss`, async () => {
      const page = await openCameraPage(browser, `${server.url}/`, { transform });
      try {
        const deadline = Date.now() + LOST_MS + 3000;
        while ((await probe(page)).frames < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        const frames = (await probe(page)).frames;
        const { inbound } = await videoRtpStats(page);
        const diagnostic = `browser: packets in ${inbound.packetsReceived}, frames decoded ${inbound.framesDecoded} (key ${inbound.keyFramesDecoded}), its PLIs ${inbound.pliCount}`;
        assert.ok(inbound.pliCount > 0, `the phone asked for a keyframe (${diagnostic})`);
        assert.ok(frames >= 10, `a picture came back (${frames} frames shown; ${diagnostic})`);
      } finally {
        await page.close();
        await Promise.all(server.sessions.list().map((session) => session.close()));
      }
    });
  }
});
