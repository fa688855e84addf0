import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StubCommand, StubReport } from './electron-stub.js';

const MAIN = fileURLToPath(new URL('../../electron/main.js', import.meta.url));
const REGISTER = new URL('./electron-register.js', import.meta.url).href;

/**
 * electron/main.ts in a child process with the stand-in `electron` (electron-stub.ts): the test
 * plays Electron, sending it events and reading what main.ts asked for.
 */
export class StubbedElectronApp {
  private readonly reports: StubReport[] = [];
  private readonly waiters: { event: string; resolve: (report: StubReport) => void }[] = [];
  readonly exited: Promise<number | null>;
  output = '';

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (report: StubReport) => {
      const waiter = this.waiters.findIndex((w) => w.event === report.event);
      if (waiter >= 0) this.waiters.splice(waiter, 1)[0]!.resolve(report);
      else this.reports.push(report);
    });
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(options: { paths: Record<string, string>; port?: number; secondInstance?: boolean }): StubbedElectronApp {
    const env = {
      ...process.env,
      CAMLOOP_STUB_PATHS: JSON.stringify(options.paths),
      ...(options.port && { CAMLOOP_PORT: String(options.port) }),
      ...(options.secondInstance && { CAMLOOP_STUB_SECOND_INSTANCE: '1' }),
    };
    return new StubbedElectronApp(fork(MAIN, [], { env, execArgv: ['--import', REGISTER], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
  }

  /** The next report of `event` (or one that came already). */
  next(event: string, timeoutMs = 20_000): Promise<StubReport> {
    const at = this.reports.findIndex((r) => r.event === event);
    if (at >= 0) return Promise.resolve(this.reports.splice(at, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no '${event}' from main.ts in ${timeoutMs} ms; its output: ${this.output.slice(-800)}`)),
        timeoutMs,
      );
      this.waiters.push({ event, resolve: (report) => (clearTimeout(timer), resolve(report)) });
    });
  }

  send(command: StubCommand): void {
    this.child.send(command);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
