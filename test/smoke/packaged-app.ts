// The packaged app, started as a user starts it: `npm run test:smoke -- <its executable>`.
// `--headless-core` runs the same steps against `node dist/electron/core/main.js` (where no
// Electron binary exists); `--layout-only` stops after checking the package's files.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { layoutProblems, resourcesOf } from './app-layout.js';
import { invertedCall, launchPhone, pairingUrl } from './call.js';
import { launchHeadlessCore, launchPackaged, type Target } from './targets.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const USAGE =
  'usage: npm run test:smoke -- <packaged app executable> | --headless-core  [--layout-only]\n(or CAMLOOP_SMOKE_APP=<executable>)';
const TIMEOUT_MS = 240_000;

const args = process.argv.slice(2);
const headless = args.includes('--headless-core');
const layoutOnly = args.includes('--layout-only');
const executable = args.find((arg) => !arg.startsWith('--')) ?? process.env.CAMLOOP_SMOKE_APP;

let passed = 0;
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await run();
  passed++;
  process.stdout.write(`ok ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)${typeof result === 'string' ? `: ${result}` : ''}\n`);
  return result;
}

function fail(message: string): never {
  process.stderr.write(`smoke test FAILED: ${message}\n`);
  process.stdout.write(`smoke: ${passed} passed, 1 failed\n`);
  process.exit(1);
}

if (!headless && !executable) fail(`no packaged app given\n${USAGE}`);
if (!headless && !existsSync(executable!)) fail(`no packaged app at ${resolve(executable!)} (build it with npm run dist)`);

const dir = await mkdtemp(join(tmpdir(), 'camloop-smoke-'));
let target: Target | undefined;
let phone: Browser | undefined;
let failure: string | undefined;
const watchdog = setTimeout(() => {
  target?.kill();
  fail(`not done in ${TIMEOUT_MS / 1000} s; the app's output:\n${target?.output().slice(-3000) ?? ''}`);
}, TIMEOUT_MS);
try {
  if (!headless) {
    await step('the package holds every file the app reads, unpacked where it must be', async () => {
      const { problems, files } = layoutProblems(resourcesOf(executable!), ROOT);
      if (problems.length) throw new Error(problems.join('\n'));
      return `${files} files`;
    });
  }
  if (!layoutOnly) {
    target = await step(headless ? 'the headless core serves the panel in a window' : 'the app opens its window on the panel', () =>
      headless ? launchHeadlessCore(ROOT, dir) : launchPackaged(executable!, dir),
    );
    const pairing = await step('the panel shows a QR code of the phone URL', async () => pairingUrl(target!.panel));
    phone = await launchPhone();
    await step('a fake-camera call through the app gets processed (inverted) frames back', () =>
      invertedCall(phone!, pairing, target!.panel),
    );
    await phone.close();
    const port = Number(pairing.port);
    await step('the app quits cleanly: exit code 0, no process left, its port closed', async () => {
      await target!.quit();
      const open = await new Promise<boolean>((done) =>
        connect(port, '127.0.0.1')
          .once('connect', () => done(true))
          .once('error', () => done(false)),
      );
      if (open) throw new Error(`port ${port} still accepts connections`);
    });
  }
} catch (error) {
  target?.kill();
  await phone?.close().catch(() => {});
  failure = `${error instanceof Error ? (error.stack ?? error.message) : String(error)}${target ? `\nthe app's output:\n${target.output().slice(-3000)}` : ''}`;
} finally {
  clearTimeout(watchdog);
  await rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch(() => {});
}
if (failure) fail(failure);
process.stdout.write(`smoke: ${passed} passed, 0 failed\n`);
process.exit(0);
