import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import type { PairingInfo } from '../../electron/core/http/control-api.js';
import { startApp, type AppProcess } from '../support/app-process.js';
import { launchBrowser, sample, waitForFrames } from '../support/browser.js';
import { freePort, lanAddress, openPhone, pageState, panelApi, pressAndWait, trustingContext } from '../support/app-pages.js';
import { installFrameProbe } from '../support/frame-probe.js';

let browser: Browser;
let dataDir: string;
before(async () => {
  browser = await launchBrowser();
  dataDir = await mkdtemp(join(tmpdir(), 'camloop-settings-e2e-'));
});
after(async () => {
  await browser?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** CamLoop for phones (HTTPS on every interface) on `port`, with the config dir `dataDir`, its panel open. */
async function startLanApp(port: number, dir = dataDir): Promise<{ app: AppProcess; panel: Page; context: BrowserContext }> {
  const app = await startApp(['--host', '0.0.0.0', '--port', String(port), '--data-dir', dir]);
  const context = await trustingContext(browser);
  const panel = await context.newPage();
  await panel.goto(app.panelUrl);
  await panel.waitForFunction(() => (document.getElementById('qr') as HTMLImageElement).src.startsWith('data:image/svg'));
  return { app, panel, context };
}

async function stop(app: AppProcess, context: BrowserContext): Promise<void> {
  await context.close();
  app.app.kill('SIGTERM');
  await once(app.app, 'exit');
}

/** The QR code's URL for this machine's LAN address, as the panel shows it. */
async function qrUrl(panel: Page): Promise<string> {
  const pairing = await panelApi<PairingInfo>(panel, '/api/pairing');
  const url = pairing.urls.find((u) => u.address === lanAddress())?.url;
  assert.ok(url, `a phone URL for ${lanAddress()} in ${JSON.stringify(pairing.urls.map((u) => u.address))}`);
  return url;
}

const sessions = (panel: Page) => panelApi<SessionInfo[]>(panel, '/api/sessions');

/** The player page of a viewer link, waiting until it plays frames. */
async function play(context: BrowserContext, link: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(link);
  await page.waitForFunction(() => document.body.dataset.state === 'playing', null, { timeout: 20_000 });
  await page.evaluate(installFrameProbe, '#video');
  await waitForFrames(page, 10, '#video');
  return page;
}

describe('settings that stay', () => {
  it('restarted on the same config dir: the old QR URL gets in, the old viewer link plays, the phone camera gets its filter back', async () => {
    const port = await freePort();
    const first = await startLanApp(port);
    const oldQr = await qrUrl(first.panel);
    const oldViewer = (await panelApi<PairingInfo>(first.panel, '/api/pairing')).viewerToken;
    const phoneContext = await trustingContext(browser);
    let phone = await openPhone(phoneContext, oldQr);
    await pressAndWait(phone, '#start');
    await waitForFrames(phone, 10);
    // The panel picks the filter and its parameters (the phone did not: its next offer names none).
    const [session] = await sessions(first.panel);
    const chain = [{ id: 'edges', params: { low: 40, high: 120 } }];
    await panelApi(first.panel, `/api/sessions/${session.id}/transform`, { method: 'PUT', body: chain });
    const link = await first.panel.getAttribute('.camera a.viewer', 'href');
    assert.ok(link?.includes(`#t=${oldViewer}`), link ?? 'no viewer link');
    const viewerLink = link!.replace('127.0.0.1', lanAddress());
    const player = await play(first.context, viewerLink);
    await player.close();
    await stop(first.app, first.context);

    const second = await startLanApp(port);
    try {
      assert.equal(await qrUrl(second.panel), oldQr, 'the same QR code');
      // The phone's user opens the old URL again (a new page, the same phone: its storage keeps the device id).
      await phone.close();
      phone = await openPhone(phoneContext, oldQr);
      await pressAndWait(phone, '#start');
      const [back] = await sessions(second.panel);
      assert.deepEqual(back.transform, chain, 'the camera got its filter and parameters back');
      await phone.waitForFunction(() => (document.getElementById('transform') as HTMLSelectElement).value === 'edges');
      await waitForFrames(phone, 15);
      assert.ok((await sample(phone)).meanLuma < 40, 'the returned video is filtered (edges)');
      const again = await play(second.context, viewerLink);
      await again.close();
    } finally {
      await phoneContext.close();
      await stop(second.app, second.context);
    }
  });

  it('new tokens from the panel: the old QR URL gets 401 and the new one works, no live call dropped; the old viewer link stops', async () => {
    const { app, panel, context } = await startLanApp(await freePort());
    const phones = await trustingContext(browser);
    try {
      const oldQr = await qrUrl(panel);
      const live = await openPhone(phones, oldQr);
      await pressAndWait(live, '#start');
      const [call] = await sessions(panel);
      const link = (await panel.getAttribute('.camera a.viewer', 'href'))!.replace('127.0.0.1', lanAddress());
      const player = await play(context, link);

      await panel.click('#rotate');
      await panel.waitForFunction(() => document.getElementById('notice')!.textContent!.includes('no longer work'));
      const newQr = await qrUrl(panel);
      assert.notEqual(newQr, oldQr);
      assert.equal(
        await panel.textContent('#phone-url'),
        newQr.replace(lanAddress(), (await panel.inputValue('#address')) || lanAddress()),
      );
      const refused = await openPhone(phones, oldQr);
      await pressAndWait(refused, '#start', 'failed');
      assert.match((await pageState(refused)).status, /not paired/);
      const welcome = await openPhone(phones, newQr);
      await pressAndWait(welcome, '#start');
      // The live call was not dropped: the same session, frames still coming.
      await waitForFrames(live, 20);
      assert.ok((await sessions(panel)).some((s) => s.id === call.id));
      assert.equal((await pageState(live)).state, 'connected');

      await panel.click('#rotate-viewer');
      await panel.waitForFunction(() =>
        /old viewer links no longer play \(1 player ended\)/.test(document.getElementById('notice')!.textContent!),
      );
      await player.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: 5000 });
      assert.match((await player.textContent('#status')) ?? '', /viewer token was replaced/);
      const stale = await context.newPage();
      await stale.goto(link);
      await stale.waitForFunction(() => document.body.dataset.state === 'error', null, { timeout: 10_000 });
      const fresh = (await panel.getAttribute('.camera a.viewer', 'href'))!;
      assert.ok(!fresh.endsWith(link.split('#')[1]!), 'the panel shows the new viewer link');
      await (await play(context, fresh.replace('127.0.0.1', lanAddress()))).close();
      assert.equal((await pageState(live)).state, 'connected', 'the camera is still connected');
    } finally {
      await phones.close();
      await stop(app, context);
    }
  });

  it('a corrupt settings file: the app starts on defaults, the panel and the log say so, and the file is kept aside', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camloop-corrupt-e2e-'));
    try {
      await writeFile(join(dir, 'settings.json'), Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x22]));
      const { app, panel, context } = await startLanApp(await freePort(), dir);
      try {
        await panel.waitForSelector('#settings-problem:not([hidden])');
        assert.match((await panel.textContent('#settings-problem')) ?? '', /Settings reset: .*is not JSON: kept as .*unreadable/);
        assert.match(app.log(), /WARN .*settings\.json is not JSON: kept as/);
        const aside = (await readdir(dir)).filter((name) => name.startsWith('settings.json.unreadable-'));
        assert.equal(aside.length, 1);
      } finally {
        await stop(app, context);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
