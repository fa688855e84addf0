import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { devices, type Browser } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import { sample, waitForFrames } from '../support/browser.js';
import { installFakeCamera } from '../support/fake-camera.js';
import { installFrameProbe } from '../support/frame-probe.js';
import { readQr } from '../support/qr.js';
import { useServerAndBrowser } from '../support/fixture.js';

let server: CamLoopServer;
let browser: Browser;
let videos: string;
const cleanups = useServerAndBrowser(
  async () => {
    videos = await mkdtemp(join(tmpdir(), 'camloop-videos-'));
    cleanups.add(() => rm(videos, { recursive: true, force: true }));
    return { videosDir: videos };
  },
  (s, b) => void ([server, browser] = [s, b]),
);

describe('control panel', () => {
  it('refuses to work without its token', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/panel`);
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('token'));
    await page.close();
  });

  it('shows a QR code of the phone URL with the pairing token, lists a phone camera, applies a filter live, shows stats, disconnects', async () => {
    const panel = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await panel.goto(server.panelUrl);
    await panel.waitForFunction(() => (document.getElementById('qr') as HTMLImageElement).src.startsWith('data:image/svg'));
    const qr = await readQr(panel);
    const pairingUrl = new URL(qr ?? 'http://invalid/');
    assert.equal(pairingUrl.searchParams.get('t'), server.access.pairingToken, `QR holds the pairing token (${qr})`);
    assert.equal(pairingUrl.port, new URL(server.url).port);
    assert.equal(await panel.textContent('#phone-url'), qr);

    // A phone (mobile emulation) opens the camera page with the token from the QR code.
    const phoneContext = await browser.newContext({ ...devices['Pixel 7'] });
    const phone = await phoneContext.newPage();
    await phone.addInitScript(installFakeCamera);
    await phone.goto(`${server.url}/?t=${pairingUrl.searchParams.get('t')}`);
    await phone.waitForFunction(() => (document.getElementById('transform') as HTMLSelectElement).options.length > 0);
    await phone.click('#start');
    await phone.waitForFunction(() => document.body.dataset.state === 'connected', null, { timeout: 20_000 });
    await phone.evaluate(installFrameProbe, '#remote');
    await waitForFrames(phone, 20);
    assert.ok((await sample(phone)).meanLuma > 60, 'unfiltered at first');

    // The panel lists it and its filter dropdown changes what the phone gets back.
    await panel.waitForSelector('.camera .transform');
    await panel.waitForFunction(() => !(document.getElementById('preview') as HTMLVideoElement).hidden, null, { timeout: 10_000 });
    await panel.selectOption('.camera .transform', 'edges');
    await phone.waitForFunction(
      () => (window as unknown as { sampleVideo: (s: string) => { meanLuma: number } }).sampleVideo('#remote').meanLuma < 40,
      null,
      { timeout: 5000, polling: 50 },
    );
    await panel.waitForFunction(
      () => {
        const text = document.querySelector('.camera .stats')!.textContent!;
        return (
          /processing [\d.]+ ms\/frame/.test(text) &&
          /out [1-9]/.test(text) &&
          /in [1-9][\d.]* fps 0*[1-9.][\d.]* Mbps/.test(text) &&
          /RTT \d+ ms/.test(text)
        );
      },
      null,
      { timeout: 8000 },
    );
    // The record button writes the processed video to the Videos folder.
    await panel.click('.camera .record');
    await panel.waitForFunction(() => document.querySelector('.camera .record')!.textContent === 'Stop recording');
    const file = await panel.getAttribute('.camera .record', 'title');
    // Recording until the file holds a few seconds' worth, not for a fixed time.
    for (const deadline = Date.now() + 8000; Date.now() < deadline && !(file && existsSync(file) && statSync(file).size > 10_000);)
      await new Promise((r) => setTimeout(r, 100));
    await panel.click('.camera .record');
    await panel.waitForFunction(() => document.querySelector('.camera .record')!.textContent === 'Record');
    assert.ok(file && statSync(file).size > 10_000, `recorded ${file}`);
    // The preview shows the same processed stream (another receiver of the encoded packets).
    await panel.evaluate(installFrameProbe, '#preview');
    await panel.waitForFunction(
      () => (window as unknown as { probes: Record<string, { frames: number }> }).probes['#preview'].frames >= 20,
      null,
      { timeout: 10_000 },
    );
    const shown = await sample(panel, '#preview');
    assert.equal(shown.width, 640);
    assert.ok(shown.meanLuma < 40, `the preview shows the edges too (luma ${shown.meanLuma.toFixed(1)})`);
    await mkdir('test-output', { recursive: true });
    await panel.screenshot({ path: 'test-output/panel.png' });

    await panel.click('.camera .disconnect');
    await panel.waitForFunction(() => document.querySelectorAll('.camera').length === 0, null, { timeout: 5000 });
    assert.equal(server.sessions.list().length, 0);
    await phoneContext.close();
    await panel.close();
  });
});
