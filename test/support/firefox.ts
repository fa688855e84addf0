import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Host } from './netns.js';

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const MARIONETTE_PORT = 2828;

/**
 * Debian's Firefox ESR as a phone on a test host, driven over Marionette (Firefox's own automation
 * protocol: length-prefixed JSON on a TCP port). Playwright cannot drive it: its WebDriver BiDi
 * client sends commands this ESR does not know (emulation.setMediaFeaturesOverride) when it opens a
 * context. Firefox runs in the host's namespace, so its Marionette port is reached through a Unix
 * socket a small relay in that namespace listens on (a socket file is seen from every namespace).
 */
export class FirefoxPhone {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private greeted!: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly processes: ChildProcess[],
  ) {
    let greet: () => void;
    this.greeted = new Promise((resolve) => (greet = resolve));
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const colon = this.buffer.indexOf(':');
        if (colon < 0) return;
        const length = Number(this.buffer.subarray(0, colon).toString());
        if (this.buffer.length < colon + 1 + length) return;
        const message = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString()) as unknown;
        this.buffer = this.buffer.subarray(colon + 1 + length);
        if (!Array.isArray(message)) greet();
        else this.answer(message as [number, number, { error: string; message: string } | null, unknown]);
      }
    });
  }

  static async launch(host: Host, dir: string): Promise<FirefoxPhone> {
    if (!existsSync(FIREFOX)) throw new Error(`Firefox not found at ${FIREFOX}: run 'apt-get install -y firefox-esr' (see .ci/run)`);
    const profile = join(dir, `firefox-${host.ns}`);
    await mkdir(profile, { recursive: true });
    await writeFile(join(profile, 'user.js'), PREFS.map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n'));
    const firefox = host.spawn(FIREFOX, ['--headless', '--marionette', '--no-remote', '--profile', profile, 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, HOME: profile, MOZ_CRASHREPORTER_DISABLE: '1' },
    });
    let log = '';
    firefox.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    const socketPath = join(dir, `marionette-${host.ns}.sock`);
    const relay = host.spawn(process.execPath, ['-e', RELAY, socketPath, String(MARIONETTE_PORT)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => relay.stdout!.once('data', resolve));
    // Firefox opens its Marionette port a second or two after it starts.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const socket = await new Promise<Socket | undefined>((resolve) => {
        const s = connect(socketPath);
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      });
      const phone = socket && new FirefoxPhone(socket, [firefox, relay]);
      const ready =
        phone && (await Promise.race([phone.greeted.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]));
      if (phone && ready) {
        await phone.command('WebDriver:NewSession', { capabilities: { alwaysMatch: { acceptInsecureCerts: false } } });
        return phone;
      }
      socket?.destroy();
      if (Date.now() > deadline || firefox.exitCode !== null) {
        firefox.kill('SIGKILL');
        relay.kill('SIGKILL');
        throw new Error(`Firefox's Marionette did not answer:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  command<T = unknown>(name: string, parameters: object = {}): Promise<T> {
    const id = this.nextId++;
    const json = Buffer.from(JSON.stringify([0, id, name, parameters]));
    this.socket.write(Buffer.concat([Buffer.from(`${json.length}:`), json]));
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  /** Navigates; resolves with the error Firefox met (e.g. "insecure certificate"), if any. */
  async navigate(url: string): Promise<string | undefined> {
    return this.command('WebDriver:Navigate', { url }).then(
      () => undefined,
      (error: Error) => error.message,
    );
  }

  /** Runs `fn(...args)` in the page (it may return a promise) and resolves with its JSON result. */
  async evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T> {
    const script = `const done = arguments[arguments.length - 1]; Promise.resolve((${fn.toString()})(...Array.from(arguments).slice(0, -1))).then((v) => done({ ok: v }), (e) => done({ error: String(e && e.stack || e) }));`;
    const { value } = await this.command<{ value: { ok?: T; error?: string } }>('WebDriver:ExecuteAsyncScript', {
      script,
      args,
      scriptTimeout: 60_000,
    });
    if (value.error) throw new Error(`in Firefox: ${value.error}`);
    return value.ok as T;
  }

  /** Waits until `fn(...args)` is truthy in the page. */
  async waitFor<A extends unknown[]>(fn: (...args: A) => unknown, timeoutMs: number, ...args: A): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.evaluate(fn, ...args).catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${fn.toString()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async click(selector: string): Promise<void> {
    const element = await this.command<{ value: Record<string, string> }>('WebDriver:FindElement', {
      using: 'css selector',
      value: selector,
    });
    await this.command('WebDriver:ElementClick', { id: Object.values(element.value)[0] });
  }

  /** A real (trusted) click on the element `find` returns in the page: for elements inside shadow roots. */
  async clickFound(find: () => Element | null | undefined): Promise<void> {
    const element = (await this.evaluate(find)) as unknown as Record<string, string> | null;
    if (!element) throw new Error(`no element from ${find.toString()}`);
    await this.command('WebDriver:ElementClick', { id: Object.values(element)[0] });
  }

  async close(): Promise<void> {
    await Promise.race([
      this.command('Marionette:Quit', { flags: ['eForceQuit'] }).catch(() => {}),
      new Promise((r) => setTimeout(r, 3000)),
    ]);
    this.socket.destroy();
    for (const child of this.processes) child.kill('SIGKILL');
  }

  private answer([, id, error, result]: [number, number, { error: string; message: string } | null, unknown]): void {
    const waiter = this.waiting.get(id);
    this.waiting.delete(id);
    if (error) waiter?.reject(new Error(`${error.error}: ${error.message}`));
    else waiter?.resolve(result);
  }
}

/** A camera without a prompt (Firefox's fake device), and no first-run pages or background traffic. */
const PREFS: [string, string | number | boolean][] = [
  ['marionette.port', MARIONETTE_PORT],
  ['media.navigator.streams.fake', true],
  ['media.navigator.permission.disabled', true],
  ['media.autoplay.default', 0],
  ['browser.shell.checkDefaultBrowser', false],
  ['browser.startup.homepage_override.mstone', 'ignore'],
  ['datareporting.policy.dataSubmissionEnabled', false],
  ['toolkit.telemetry.reportingpolicy.firstRun', false],
  ['app.update.disabledForTesting', true],
  ['network.captive-portal-service.enabled', false],
  ['network.connectivity-service.enabled', false],
  ['browser.safebrowsing.malware.enabled', false],
  ['browser.safebrowsing.phishing.enabled', false],
  ['extensions.update.enabled', false],
];

/** Unix socket -> 127.0.0.1:port, run with node -e in the namespace. */
const RELAY = `
const net = require('node:net');
const [path, port] = process.argv.slice(1);
require('node:fs').rmSync(path, { force: true });
net.createServer((client) => {
  const upstream = net.connect(Number(port), '127.0.0.1');
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
  client.pipe(upstream).pipe(client);
}).listen(path, () => console.log('ready'));
`;
