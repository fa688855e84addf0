import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { MALLOC_ENV } from '../../electron/core/app/malloc-tuning.js';
import { startApp } from '../support/app-process.js';
import { launchBrowser, openCameraPage, waitForFrames } from '../support/browser.js';

const MAIN = new URL('../../electron/core/main.js', import.meta.url).pathname;

let browser: Browser;
before(async () => (browser = await launchBrowser()));
after(() => browser.close());

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  it(`${signal} with a live camera session closes it and exits 0 within 2 s`, async () => {
    const { app, url, log } = await startApp();
    const page = await openCameraPage(browser, url, { transform: 'edges' });
    await waitForFrames(page, 10);
    const start = Date.now();
    app.kill(signal);
    const [code] = await once(app, 'exit');
    const elapsed = Date.now() - start;
    assert.equal(code, 0, log());
    assert.ok(elapsed < 2000, `exited after ${elapsed} ms`);
    // The session was really closed before the exit (not just logged as closing): the page heard
    // its goodbye, a DTLS close_notify, which only Session.close sends.
    const transportClosed = () =>
      (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.at(-1)?.getReceivers()[0]?.transport?.state ===
      'closed';
    await page
      .waitForFunction(transportClosed, null, { timeout: 1500, polling: 50 })
      .catch(() => assert.fail(`the page heard no goodbye; ${log()}`));
    await page.close();
  });
}

it('on Linux the process that serves runs with the malloc settings that give memory back', async () => {
  const { app } = await startApp();
  try {
    const [child] = readFileSync(`/proc/${app.pid}/task/${app.pid}/children`, 'utf8').trim().split(' ');
    const environ = readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
    for (const [key, value] of Object.entries(MALLOC_ENV)) assert.ok(environ.includes(`${key}=${value}`), `${key}=${value}`);
  } finally {
    app.kill('SIGTERM');
    await once(app, 'exit');
  }
});

it('--help documents every flag and exits 0', async () => {
  const app = spawn(process.execPath, [MAIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  app.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = await once(app, 'exit');
  assert.equal(code, 0);
  for (const flag of ['--host', '--port', '--max-bitrate', '--verbose', '--help']) assert.ok(out.includes(flag), `${flag} documented`);
});

it('a bad flag exits 2 with the reason', async () => {
  const app = spawn(process.execPath, [MAIN, '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  app.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const [code] = await once(app, 'exit');
  assert.equal(code, 2);
  assert.match(err, /--port must be/);
});

it('a port already in use is a clear error (exit 1), not a hang', async () => {
  const first = await startApp();
  const port = new URL(first.url).port;
  const second = spawn(process.execPath, [MAIN, '--port', port], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  second.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const [code] = await once(second, 'exit');
  first.app.kill('SIGTERM');
  await once(first.app, 'exit');
  assert.equal(code, 1);
  assert.match(err, /EADDRINUSE|in use/);
});
