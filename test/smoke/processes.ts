import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { basename } from 'node:path';
import { waitFor } from '../support/wait.js';

/** A process started in a group of its own (POSIX), so that whatever it starts can be found after it. */
export interface Started {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  /** Resolves with the first match of `pattern` in its output (its first group). */
  line(pattern: RegExp, what: string, timeoutMs: number): Promise<string>;
}

export function start(command: string, args: string[], options: SpawnOptions = {}): Started {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    child,
    exited,
    output: () => output,
    line: (pattern, what, timeoutMs) =>
      waitFor(
        () => `${what} (${basename(command)} ${gone ? 'exited' : 'still running'}; its output: ${output.slice(-1500) || 'none'})`,
        () => {
          if (gone && !pattern.test(output))
            throw new Error(`${basename(command)} exited before ${what}; its output:\n${output.slice(-3000)}`);
          return pattern.exec(output)?.[1];
        },
        timeoutMs,
      ),
  };
}

/** Any process still running of those `started` started (its group; on Windows, by image name). */
export function leftovers(started: Started, image: string): string | undefined {
  if (process.platform === 'win32') {
    const list = execFileSync('tasklist', ['/FI', `IMAGENAME eq ${image}`, '/FO', 'CSV', '/NH'], { encoding: 'utf8' });
    return list.toLowerCase().includes(`"${image.toLowerCase()}"`) ? list.trim() : undefined;
  }
  // Its process group, less zombies (dead, waiting for a parent that may never reap them).
  const group = String(started.child.pid);
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' }).split('\n');
  const alive = rows.filter((row) => {
    const [, pgid, stat] = row.trim().split(/\s+/);
    return pgid === group && !stat?.startsWith('Z');
  });
  return alive.length ? alive.join('\n') : undefined;
}

/** Ends `started` and all it started, whatever state it is in (clean-up after a failure). */
export function killAll(started: Started | undefined): void {
  if (!started?.child.pid) return;
  try {
    if (process.platform === 'win32') execFileSync('taskkill', ['/pid', String(started.child.pid), '/T', '/F'], { stdio: 'ignore' });
    else process.kill(-started.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Waits for `started` to exit by itself: its exit code must be 0 and nothing it started may stay behind. */
export async function endsCleanly(started: Started, image: string, timeoutMs: number): Promise<void> {
  const code = await Promise.race([
    started.exited,
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref()),
  ]);
  if (code === 'timeout')
    throw new Error(`still running ${timeoutMs / 1000} s after it was asked to quit; its output:\n${started.output().slice(-2000)}`);
  if (code !== 0) throw new Error(`exited with code ${code}; its output:\n${started.output().slice(-2000)}`);
  // Helpers (renderer, GPU, workers) follow their parent within moments.
  let left: string | undefined;
  await waitFor(
    () => `its processes to end:\n${left}`,
    () => !(left = leftovers(started, image)),
    5000,
    100,
  );
}
