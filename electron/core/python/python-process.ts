import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { packagePath, unpackedPath } from '../base/paths.js';
import { encodeHeader, Format, Kind, MessageReader, type Message } from './protocol.js';

/** The Python side of the protocol, shipped with CamLoop. */
export const HOST_SCRIPT = unpackedPath(fileURLToPath(packagePath('python/camloop_host.py')));

/** The interpreter for .py plugins when --python is not given. */
export const DEFAULT_PYTHON = 'python3';

/** Why `python` could not be started, said for a user. */
export function cannotRun(python: string, error: NodeJS.ErrnoException): string {
  return error.code === 'ENOENT'
    ? `cannot run Python "${python}": not found (install Python 3, or point --python at it)`
    : `cannot run Python "${python}": ${error.message}`;
}

/** The environment of every Python process we start: unbuffered prints reach the log at once; no .pyc litter. */
export function pythonEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
}

/** How a process ended, said for a user: its exit code or signal, and the last lines it wrote to stderr. */
export interface Ending {
  why: string;
}

export interface FrameOut {
  /** BGR24 pixels, rows packed (width * height * 3 bytes). */
  pixels: Uint8Array;
  width: number;
  height: number;
  sequence: number;
  timestamp: number;
  params: Record<string, unknown>;
}

const STDERR_LINES_KEPT = 4;

/**
 * One running `camloop_host.py run FILE`: frames to it on fd 3, answers from it on fd 4, its stdout
 * and stderr line by line to `onOutput`. One frame at a time (`exchange` waits for the answer).
 */
export class PythonProcess {
  private readonly child: ChildProcess;
  private readonly toPython: Writable;
  private readonly reader = new MessageReader();
  private waiting?: { resolve: (message: Message) => void; reject: (error: Error) => void };
  /** A copy of the frame being sent: the pipe may still hold it after write() returns, and WASM memory can move. */
  private staging = Buffer.alloc(0);
  private readonly stderrTail: string[] = [];
  private ending?: Ending;
  private readonly endListeners: ((ending: Ending) => void)[] = [];
  readonly ready: Promise<void>;
  state: 'starting' | 'ready' | 'gone' = 'starting';

  constructor(python: string, file: string, onOutput: (line: string, stream: 'stdout' | 'stderr') => void) {
    this.child = spawn(python, [HOST_SCRIPT, 'run', file], {
      cwd: dirname(file),
      env: pythonEnv(),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    this.toPython = this.child.stdio[3] as Writable;
    const fromPython = this.child.stdio[4] as Readable;
    forEachLine(this.child.stdout!, (line) => onOutput(line, 'stdout'));
    forEachLine(this.child.stderr!, (line) => {
      this.stderrTail.push(line);
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - STDERR_LINES_KEPT));
      onOutput(line, 'stderr');
    });
    // EPIPE after the process died: its exit says why.
    this.toPython.on('error', () => {});
    let markReady: () => void;
    let failReady: (error: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (failReady = reject)));
    this.ready.catch(() => {});
    fromPython.on('data', (chunk: Buffer) => {
      let messages: Message[];
      try {
        messages = this.reader.push(chunk);
      } catch (error) {
        this.end(`sent a corrupt message (${(error as Error).message})`);
        return;
      }
      for (const message of messages) {
        if (message.header.kind === Kind.ready) {
          this.state = 'ready';
          markReady();
        } else if (message.header.kind === Kind.fatal) {
          this.end(describeFailure(message.info));
        } else {
          const waiting = this.waiting;
          this.waiting = undefined;
          waiting?.resolve(message);
        }
      }
    });
    this.child.on('error', (error: NodeJS.ErrnoException) => this.end(cannotRun(python, error)));
    this.child.on('exit', (code, signal) => {
      // Let the stderr pipe deliver its last lines first: they usually say what went wrong.
      setImmediate(() => this.end(signal ? `the Python process was killed (${signal})` : `the Python process exited with code ${code}`));
    });
    this.onEnd((ending) => failReady(new Error(ending.why)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Not ended (killed, crashed, exited). */
  get alive(): boolean {
    return this.state !== 'gone';
  }

  /** A frame is in flight. */
  get busy(): boolean {
    return this.waiting !== undefined;
  }

  /** Sends one frame and waits for Python's answer (a result, or the error apply() raised). */
  exchange(frame: FrameOut): Promise<Message> {
    if (this.state !== 'ready') return Promise.reject(new Error(this.ending?.why ?? 'the Python process is not ready'));
    if (this.waiting) return Promise.reject(new Error('a frame is already in flight'));
    const body = Buffer.from(JSON.stringify(frame.params));
    if (this.staging.length !== frame.pixels.byteLength) this.staging = Buffer.alloc(frame.pixels.byteLength);
    this.staging.set(frame.pixels);
    const header = encodeHeader({
      kind: Kind.frame,
      format: Format.bgr24,
      width: frame.width,
      height: frame.height,
      sequence: frame.sequence,
      timestamp: frame.timestamp,
      jsonLength: body.length,
      payloadLength: this.staging.length,
    });
    return new Promise<Message>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.toPython.write(Buffer.concat([header, body]));
      this.toPython.write(this.staging);
    });
  }

  onEnd(listener: (ending: Ending) => void): void {
    if (this.ending) listener(this.ending);
    else this.endListeners.push(listener);
  }

  /** Ends the process now (SIGKILL: a hung apply() would not see a polite request). */
  kill(why: string): void {
    this.end(why);
  }

  private end(why: string): void {
    if (this.ending) return;
    const tail = this.stderrTail.join('\n').trim();
    this.ending = { why: tail && !why.includes(tail) ? `${why}:\n${tail}` : why };
    this.state = 'gone';
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    this.toPython.destroy();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(new Error(this.ending.why));
    for (const listener of this.endListeners.splice(0)) listener(this.ending);
  }
}

/** Python's own account of a failure: the exception, then the last lines of its traceback. */
export function describeFailure(info: Record<string, unknown> | undefined): string {
  const error = typeof info?.error === 'string' ? info.error : 'failed';
  const trace = typeof info?.traceback === 'string' ? info.traceback : '';
  return trace ? `${error}\n${trace}` : error;
}

function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    const lines = (rest + text).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => rest && onLine(rest));
}
