import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import type { PairingInfo } from '../../electron/core/http/control-api.js';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import { startApp } from '../support/app-process.js';
import { openCameraPage, waitForFrames } from '../support/browser.js';
import { pageState, pressAndWait } from '../support/app-pages.js';
import { installFrameProbe } from '../support/frame-probe.js';
import { useServerAndBrowser } from '../support/fixture.js';

let server: CamLoopServer;
let browser: Browser;
useServerAndBrowser({}, (s, b) => void ([server, browser] = [s, b]));

/** How long a page that was ended must stay quiet (issue 34: 30 s): the camera page's backoff would have called 4 times by then. */
const QUIET_MS = 30_000;

/** Counts the requests a page makes to `path` from now on. */
function countRequests(page: Page, method: string, path: RegExp): { count: number } {
  const counter = { count: 0 };
  page.on('request', (request) => {
    if (request.method() === method && path.test(new URL(request.url()).pathname)) counter.count++;
  });
  return counter;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The pages' next QUIET_MS pass in a moment, with `check` holding: their clock (Playwright's, installed
 * before the call ended, so every timer they set since is on it) runs forward, firing each timer due;
 * then a real second for any request those timers started.
 */
async function staysQuiet(pages: Page[], check: () => void): Promise<void> {
  check();
  await Promise.all(pages.map((page) => page.clock.runFor(QUIET_MS)));
  await sleep(1000);
  check();
}

/** The player page of `camera` (a session id or a phone's device id), playing. */
async function openPlayer(url: string, camera: string, viewerToken = server.access.viewerToken): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${url}/view/${camera}#t=${viewerToken}`);
  await page.waitForFunction(() => document.body.dataset.state === 'playing', null, { timeout: 20_000 });
  await page.evaluate(installFrameProbe, '#video');
  await waitForFrames(page, 10, '#video');
  return page;
}

describe('a call ends when the host ends it', () => {
  it('panel Disconnect: the phone and the player show "Ended by CamLoop", and neither calls back for 30 s; Call again works', async () => {
    const panel = await browser.newPage();
    await panel.goto(server.panelUrl);
    const phone = await openCameraPage(browser, server.url, { transform: 'edges' });
    const [session] = server.sessions.list();
    const player = await openPlayer(server.url, session.device!.id);
    const offers = countRequests(phone, 'POST', /^\/offer$/);
    const plays = countRequests(player, 'POST', /^\/whep\//);
    try {
      // Time still flows as it did; only now the test can run it forward (staysQuiet).
      await Promise.all([phone, player].map((page) => page.clock.install()));
      await panel.click('.camera .disconnect');
      await phone.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: 5000 });
      assert.deepEqual(await pageState(phone), { state: 'ended', status: 'Ended by CamLoop' });
      assert.ok(await phone.isVisible('#again'), 'a Call again button');
      assert.ok(await phone.evaluate(() => (document.getElementById('local') as HTMLVideoElement).srcObject === null), 'camera off');
      await player.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: 5000 });
      assert.equal((await pageState(player)).status, 'Ended by CamLoop');
      assert.ok(await player.isVisible('#again'), 'a Play again button');

      await staysQuiet([phone, player], () => {
        assert.equal(offers.count, 0, 'the phone called back');
        assert.equal(plays.count, 0, 'the player called back');
        assert.equal(server.sessions.list().length, 0);
      });
      assert.equal((await pageState(phone)).state, 'ended');
      assert.equal((await pageState(player)).state, 'ended');

      // The user calls again: a new call, and the player plays it again when asked.
      await pressAndWait(phone, '#again');
      assert.equal(offers.count, 1);
      await waitForFrames(phone, 10);
      await player.click('#again');
      await player.waitForFunction(() => document.body.dataset.state === 'playing', null, { timeout: 20_000 });
    } finally {
      await Promise.all([panel.close(), phone.close(), player.close()]);
      await server.sessions.closeAll();
    }
  });

  it('a network drop (the server gives up on the peer, no end message) still reconnects with backoff, the filter kept', async () => {
    const phone = await openCameraPage(browser, server.url, { transform: 'edges' });
    try {
      await waitForFrames(phone, 10);
      const [first] = server.sessions.list();
      // What the departure watch does when the phone's packets stop: close, with no reason given.
      await first.close();
      await phone.waitForFunction(() => document.body.dataset.state === 'reconnecting', null, { timeout: 10_000 });
      await phone.waitForFunction(() => document.body.dataset.state === 'connected', null, { timeout: 20_000 });
      const [second] = server.sessions.list();
      assert.notEqual(second.id, first.id, 'a new call');
      assert.equal(second.info().transform[0]?.id, 'edges');
      await waitForFrames(phone, 20);
    } finally {
      await phone.close();
      await server.sessions.closeAll();
    }
  });

  it('quitting CamLoop ends the call: the phone and the player say so and do not call back', async () => {
    const { app, url, api } = await startApp();
    const phone = await openCameraPage(browser, url, { transform: 'none' });
    let player: Page | undefined;
    try {
      const [session] = await api<SessionInfo[]>('/api/sessions');
      player = await openPlayer(url, session.device!.id, (await api<PairingInfo>('/api/pairing')).viewerToken);
      const offers = countRequests(phone, 'POST', /^\/offer$/);
      const plays = countRequests(player, 'POST', /^\/whep\//);
      app.kill('SIGTERM');
      await phone.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: 3000 });
      await player.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: 3000 });
      await once(app, 'exit');
      // Long enough for the first two retries of either page's backoff (1 s, 2 s).
      await new Promise((resolve) => setTimeout(resolve, 4000));
      assert.deepEqual([offers.count, plays.count], [0, 0]);
      assert.equal((await pageState(phone)).status, 'Ended by CamLoop');
    } finally {
      await Promise.all([phone.close(), player?.close()]);
      if (app.exitCode === null) app.kill('SIGKILL');
    }
  });
});
