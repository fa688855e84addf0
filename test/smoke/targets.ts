import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadOrCreateCertificate } from '../../electron/core/http/tls.js';
import { waitFor } from '../support/wait.js';
import { endsCleanly, killAll, start, type Started } from './processes.js';

/** An app under test: its window's page, and how a user ends it. */
export interface Target {
  panel: Page;
  /** Quits as a user would; throws unless it exits with 0 and leaves no process behind. */
  quit(): Promise<void>;
  /** Clean-up after a failure: everything it started is killed. */
  kill(): void;
  output(): string;
}

/** Playwright's Chromium, or CHROMIUM_PATH, or Debian's. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : chromium.executablePath());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Attaches to the Chromium of `started` over the DevTools protocol (--remote-debugging-port=0),
 * as Playwright's _electron.launch does for the renderer side, and finds the panel's window. Not
 * _electron.launch itself: it also needs --inspect on the main process, which the packaged app's
 * fuses turn off.
 */
async function attachToPanel(started: Started): Promise<{ browser: Browser; panel: Page }> {
  const endpoint = await started.line(/DevTools listening on (ws:\/\/\S+)/, 'its DevTools endpoint', 60_000);
  // noDefaults: leave the window as the app made it (no viewport, download or media overrides).
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  const panel = await waitFor(
    () =>
      `a window showing the panel (pages: ${
        browser
          .contexts()
          .flatMap((c) => c.pages().map((p) => p.url()))
          .join(', ') || 'none'
      })`,
    () =>
      browser
        .contexts()
        .flatMap((context) => context.pages())
        .find((page) => /^https:\/\/127\.0\.0\.1:\d+\/panel#token=/.test(page.url())),
    30_000,
  );
  await panel.waitForLoadState('load');
  await waitFor(
    'the window to be shown (document.visibilityState)',
    async () => (await panel.evaluate(() => document.visibilityState)) === 'visible',
    20_000,
  );
  return { browser, panel };
}

/** The packaged app, on a free port, with a config folder of its own under `dir`. */
export async function launchPackaged(executable: string, dir: string): Promise<Target> {
  const env: NodeJS.ProcessEnv = { ...process.env, CAMLOOP_PORT: String(await freePort()) };
  delete env.ELECTRON_RUN_AS_NODE;
  const app = start(executable, ['--remote-debugging-port=0', `--user-data-dir=${join(dir, 'config')}`], { env });
  try {
    const { panel } = await attachToPanel(app);
    return {
      panel,
      output: app.output,
      kill: () => killAll(app),
      async quit() {
        // The user closes the window; the app quits when its last window is closed.
        await panel.evaluate(() => window.close()).catch(() => {});
        await endsCleanly(app, basename(executable), 30_000);
      },
    };
  } catch (error) {
    killAll(app);
    throw error;
  }
}

/**
 * The headless core (`node dist/electron/core/main.js`) serving HTTPS on all addresses as the
 * desktop app does, its panel in a Chromium window (headless) attached to the same way: proves
 * the smoke test's own steps where no Electron binary exists.
 */
export async function launchHeadlessCore(root: string, dir: string): Promise<Target> {
  await loadOrCreateCertificate(dir);
  const core = start(process.execPath, [
    join(root, 'dist/electron/core/main.js'),
    '--host',
    '0.0.0.0',
    '--port',
    String(await freePort()),
    '--cert-file',
    join(dir, 'camloop-cert.pem'),
    '--key-file',
    join(dir, 'camloop-key.pem'),
  ]);
  let window: Started | undefined;
  try {
    const panelUrl = await core.line(/control panel[^:]*: (\S+\/panel#token=\S+)/, 'the panel URL in its log', 30_000);
    await mkdir(join(dir, 'window'));
    const sandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    window = start(chromiumPath(), [
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${join(dir, 'window')}`,
      '--ignore-certificate-errors',
      '--no-first-run',
      ...sandbox,
      panelUrl,
    ]);
    const { browser, panel } = await attachToPanel(window);
    return {
      panel,
      output: core.output,
      kill: () => [window, core].forEach(killAll),
      async quit() {
        await browser.close();
        killAll(window);
        core.child.kill('SIGTERM');
        await endsCleanly(core, 'node', 10_000);
      },
    };
  } catch (error) {
    [window, core].forEach(killAll);
    throw error;
  }
}
