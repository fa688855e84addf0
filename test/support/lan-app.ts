import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startApp, type AppProcess } from './app-process.js';
import { launchBrowserOn, recordPeerConnections } from './browser.js';
import { installFakeCamera } from './fake-camera.js';
import type { TestNetwork } from './netns.js';

export const LAN_PORT = 8443;

/**
 * CamLoop as a user runs it for phones (`--host 0.0.0.0`: HTTPS with its own self-signed
 * certificate, made in a config dir of the test's) on the laptop of a test network, with the
 * panel open in a browser on the laptop (the control API answers only there).
 */
export class LanApp {
  private constructor(
    readonly app: AppProcess,
    readonly panel: Page,
    private readonly panelBrowser: Browser,
    private readonly configDir: string,
  ) {}

  static async start(network: TestNetwork, args: string[] = []): Promise<LanApp> {
    const configDir = await mkdtemp(join(tmpdir(), 'camloop-config-'));
    const app = await startApp(['--host', '0.0.0.0', '--port', String(LAN_PORT), '--data-dir', configDir, ...args], {
      host: network.laptop,
    });
    const panelBrowser = await launchBrowserOn(network.laptop);
    // The panel is this machine's own page (the desktop app trusts its own certificate).
    const panel = await (await panelBrowser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 760 } })).newPage();
    await panel.goto(app.panelUrl);
    return new LanApp(app, panel, panelBrowser, configDir);
  }

  /** GET on the control API from the panel's page (the only place it answers). */
  api<T>(path: string): Promise<T> {
    return this.panel.evaluate(async ([p, token]) => (await fetch(p!, { headers: { Authorization: `Bearer ${token}` } })).json(), [
      path,
      this.app.controlToken,
    ] as const) as Promise<T>;
  }

  async stop(): Promise<void> {
    await this.panelBrowser.close().catch(() => {});
    const { app } = this.app;
    const exited = new Promise((resolve) => (app.exitCode !== null || app.signalCode !== null ? resolve(null) : app.once('exit', resolve)));
    app.kill('SIGTERM');
    // It saves its settings as it quits: its folder goes once it has exited (5 s at most), retried all the same.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    await rm(this.configDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

/**
 * Opens `url` in a phone's browser as its user does: Chrome warns about the self-signed
 * certificate, and the user clicks "Advanced", then "Proceed to ... (unsafe)".
 */
export async function openPastCertificateWarning(browser: Browser, url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
  await page.addInitScript(installFakeCamera);
  await page.addInitScript(recordPeerConnections);
  const error = await page.goto(url).then(
    () => undefined,
    (e: Error) => e,
  );
  if (!error?.message.includes('ERR_CERT_AUTHORITY_INVALID'))
    throw new Error(`expected the self-signed certificate's warning, got ${error?.message ?? 'the page'}`);
  await page.click('#details-button');
  await page.click('#proceed-link');
  await page.waitForURL(url);
  await page.waitForFunction(() => (document.getElementById('transform') as HTMLSelectElement | null)?.options.length);
  return page;
}
