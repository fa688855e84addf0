import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import { openCameraPage, probe, sample, waitForFrames } from '../support/browser.js';
import { useServerAndBrowser } from '../support/fixture.js';

let server: CamLoopServer;
let browser: Browser;
useServerAndBrowser({}, (s, b) => void ([server, browser] = [s, b]));

describe('camera page', () => {
  it('flips to the back camera on the running call (replaceTrack, no new offer)', async () => {
    const page = await openCameraPage(browser, server.url, { transform: 'edges' });
    try {
      await waitForFrames(page, 10);
      const [session] = server.sessions.list();
      await page.click('#flip');
      await page.waitForFunction(
        () => (window as unknown as { fakeCamera: { requests: MediaStreamConstraints[] } }).fakeCamera.requests.length === 2,
      );
      const asked = await page.evaluate(() =>
        (window as unknown as { fakeCamera: { requests: { video: { facingMode: unknown } }[] } }).fakeCamera.requests.map(
          (r) => r.video.facingMode,
        ),
      );
      assert.deepEqual(asked, [{ ideal: 'user' }, { ideal: 'environment' }]);
      await waitForFrames(page, 20);
      assert.deepEqual(
        server.sessions.list().map((s) => s.id),
        [session.id],
        'same call',
      );
    } finally {
      await page.close();
      await server.sessions.closeAll();
    }
  });

  it('turned to portrait and back mid-call, the processed picture follows each time', async () => {
    const page = await openCameraPage(browser, server.url, { transform: 'edges' });
    const turn = () =>
      page.evaluate(() => {
        const canvas = (window as unknown as { fakeCamera: { canvas: HTMLCanvasElement } }).fakeCamera.canvas;
        [canvas.width, canvas.height] = [canvas.height, canvas.width];
      });
    const shown = () =>
      page.evaluate(() => {
        const video = document.getElementById('remote') as HTMLVideoElement;
        return `${video.videoWidth}x${video.videoHeight}`;
      });
    try {
      await waitForFrames(page, 10);
      assert.equal(await shown(), '640x480');
      for (const size of ['480x640', '640x480']) {
        await turn();
        await page.waitForFunction(
          (want) => {
            const video = document.getElementById('remote') as HTMLVideoElement;
            return `${video.videoWidth}x${video.videoHeight}` === want;
          },
          size,
          { timeout: 10_000 },
        );
        await waitForFrames(page, 15);
        const frame = await sample(page);
        assert.equal(`${frame.width}x${frame.height}`, size);
        assert.ok(frame.meanLuma < 40, `still filtered (edges) at ${size}: mean luma ${frame.meanLuma.toFixed(1)}`);
      }
      const [session] = server.sessions.list();
      assert.equal(session.info().errors.length, 0, session.info().errors.join('; '));
    } finally {
      await page.close();
      await server.sessions.closeAll();
    }
  });

  it('reconnects by itself when the connection drops, and frames flow again', async () => {
    const page = await openCameraPage(browser, server.url, { transform: 'none' });
    try {
      await waitForFrames(page, 10);
      const [first] = server.sessions.list();
      // The server side goes away as after a network blip that outlived ICE (the departure watch's
      // close, no reason given); the host's DELETE would end the call instead (see call-end.test).
      await first.close();
      await page.waitForFunction(() => document.body.dataset.state === 'reconnecting', null, { timeout: 20_000 });
      await page.waitForFunction(() => document.body.dataset.state === 'connected', null, { timeout: 20_000 });
      const sessions = server.sessions.list();
      assert.equal(sessions.length, 1);
      assert.notEqual(sessions[0].id, first.id, 'a new call');
      const before = (await probe(page)).frames;
      await waitForFrames(page, 20);
      assert.ok((await probe(page)).frames >= before + 20);
    } finally {
      await page.close();
      await server.sessions.closeAll();
    }
  });
});
