import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Host } from './netns.js';

const SCRIPT = fileURLToPath(new URL('./whip-publish.js', import.meta.url));

export interface PublisherOptions {
  token?: string;
  seconds?: number;
  size?: string;
  fps?: number;
  /** Run in this test host's namespace. */
  host?: Host;
}

/** FFmpeg's whip muxer publishing the test pattern (whip-publish.ts), in its own process. */
export class WhipPublisher {
  private output = '';
  readonly exited: Promise<{ code: number | null; output: string }>;
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;

  constructor(url: string, options: PublisherOptions = {}) {
    const args = [
      SCRIPT,
      url,
      '--seconds',
      String(options.seconds ?? 60),
      '--size',
      options.size ?? '640x480',
      '--fps',
      String(options.fps ?? 30),
    ];
    if (options.token) args.push('--token', options.token);
    const spawnOptions = { stdio: ['pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'] };
    this.child = (
      options.host ? options.host.spawn(process.execPath, args, spawnOptions) : spawn(process.execPath, args, spawnOptions)
    ) as ChildProcessByStdio<Writable, Readable, Readable>;
    this.child.stdout.on('data', (chunk: Buffer) => (this.output += chunk));
    this.child.stderr.on('data', (chunk: Buffer) => (this.output += chunk));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exitCode = code;
        if (signal) this.output += `\n(killed by ${signal})`;
        resolve({ code, output: this.output });
      }),
    );
  }

  /** Set once the process has ended (a crash shows as null with a signal). */
  exitCode?: number | null;

  get log(): string {
    return this.output;
  }

  /** Ends the stream as a publisher does: the muxer closes and DELETEs its session. */
  async stop(): Promise<{ code: number | null; output: string }> {
    this.child.stdin.end('stop\n');
    return this.exited;
  }

  /** Gone without a goodbye (a crashed encoder, a pulled cable). */
  kill(): void {
    this.child.kill('SIGKILL');
  }
}
