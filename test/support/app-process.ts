import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from './netns.js';

const MAIN = new URL('../../electron/core/main.js', import.meta.url).pathname;

export interface AppProcess {
  app: ChildProcess;
  url: string;
  /** The control API's token, from the panel URL the app logs. */
  controlToken: string;
  /** The panel's URL, with its token. */
  panelUrl: string;
  log: () => string;
  /** GET on the control API, parsed. */
  api<T>(path: string): Promise<T>;
}

/**
 * The headless app as a user starts it (`node main.js`), on a free port: a process of its own, so
 * that test peers in this process do not share its main thread. Resolves once it serves.
 */
export async function startApp(args: string[] = [], options: { host?: Host; env?: Record<string, string> } = {}): Promise<AppProcess> {
  // A config dir of its own (settings, certificate) unless the test gives one: never the user's.
  const dataDir = args.includes('--data-dir') ? undefined : mkdtempSync(join(tmpdir(), 'camloop-data-'));
  const argv = [MAIN, '--port', '0', ...(dataDir ? ['--data-dir', dataDir] : []), ...args];
  const spawnOptions = { stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } };
  // On a test network, in its laptop's namespace (`--port` given later wins).
  const app = options.host ? options.host.spawn(process.execPath, argv, spawnOptions) : spawn(process.execPath, argv, spawnOptions);
  if (dataDir) app.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  let log = '';
  const { url, controlToken, panelUrl } = await new Promise<{ url: string; controlToken: string; panelUrl: string }>((resolve, reject) => {
    app.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const url = log.match(/serving (https?:\/\/[\d.:]+)\//)?.[1];
      const [panelUrl, controlToken] = log.match(/(\S+\/panel#token=(\S+))/)?.slice(1) ?? [];
      if (url && panelUrl && controlToken) resolve({ url, controlToken, panelUrl });
    });
    app.once('exit', (code) => reject(new Error(`app exited (${code}) before serving:\n${log}`)));
  });
  const api = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${controlToken}` } })).json()) as T;
  return { app, url, controlToken, panelUrl, log: () => log, api };
}
