import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { recordPeerConnections } from './browser.js';
import { installFakeCamera } from './fake-camera.js';
import { installFrameProbe } from './frame-probe.js';

/** This machine's first non-loopback IPv4 address: a phone on the LAN reaches CamLoop there (and must be paired). */
export function lanAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  if (!address) throw new Error('this machine has no non-loopback IPv4 address: the LAN tests need one');
  return address;
}

/** A TCP port free now (for an app that must come back on the same port after a restart). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A browser context of a phone or a panel: it accepts CamLoop's self-signed certificate (the user clicked through once). */
export function trustingContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 800 } });
}

/** The camera page at `url` in `context` (its storage: the phone's device id), with a fake camera; the filter list loaded. */
export async function openPhone(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`[phone page error] ${error.message}\n`));
  await page.addInitScript(installFakeCamera);
  await page.addInitScript(recordPeerConnections);
  await page.goto(url);
  await page.waitForFunction(() => (document.getElementById('transform') as HTMLSelectElement).options.length > 0);
  return page;
}

/** Clicks `button` (Start, Call again) and waits for the page's state; throws with the status text if it became another. */
export async function pressAndWait(page: Page, button: string, want = 'connected', timeoutMs = 20_000): Promise<void> {
  await page.click(button);
  await page.waitForFunction((w) => [w, 'failed', 'ended'].includes(document.body.dataset.state ?? ''), want, { timeout: timeoutMs });
  const state = await page.evaluate(() => `${document.body.dataset.state}: ${document.getElementById('status')!.textContent}`);
  if (!state.startsWith(want)) throw new Error(`camera page is ${state}, not ${want}`);
  if (want === 'connected') await page.evaluate(installFrameProbe, '#remote');
}

/** The page's state and status text. */
export function pageState(page: Page): Promise<{ state: string; status: string }> {
  return page.evaluate(() => ({ state: document.body.dataset.state ?? '', status: document.getElementById('status')!.textContent ?? '' }));
}

/** A control API call from the panel's page (the API answers this machine's pages only). */
export function panelApi<T>(panel: Page, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  return panel.evaluate(
    async ([p, method, body]) => {
      const token = new URLSearchParams(location.hash.slice(1)).get('token');
      const response = await fetch(p as string, {
        method: method as string,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return response.json();
    },
    [path, init.method ?? 'GET', init.body] as const,
  ) as Promise<T>;
}
