import { spawn, type ChildProcess } from 'node:child_process';

const MAIN = new URL('../../electron/core/main.js', import.meta.url).pathname;

export interface AppProcess {
  app: ChildProcess;
  url: string;
  /** The control API's token, from the panel URL the app logs. */
  controlToken: string;
  log: () => string;
  /** GET on the control API, parsed. */
  api<T>(path: string): Promise<T>;
}

/**
 * The headless app as a user starts it (`node main.js`), on a free port: a process of its own, so
 * that test peers in this process do not share its main thread. Resolves once it serves.
 */
export async function startApp(args: string[] = []): Promise<AppProcess> {
  const app = spawn(process.execPath, [MAIN, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const { url, controlToken } = await new Promise<{ url: string; controlToken: string }>((resolve, reject) => {
    app.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const url = log.match(/serving (http:\/\/[\d.:]+)\//)?.[1];
      const controlToken = log.match(/panel#token=(\S+)/)?.[1];
      if (url && controlToken) resolve({ url, controlToken });
    });
    app.once('exit', (code) => reject(new Error(`app exited (${code}) before serving:\n${log}`)));
  });
  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${controlToken}` } })).json()) as T;
  return { app, url, controlToken, log: () => log, api };
}
