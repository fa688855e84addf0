import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { MALLOC_ENV } from '../electron/core/app/malloc-tuning.js';
import { AIORTC_CLIENT_DIR } from '../test/support/aiortc-client.js';

export interface BenchServer {
  name: string;
  url: string;
  pid?: number;
  /** What it printed so far. */
  output?: () => string;
  stop(): Promise<void>;
}

const ROOT = new URL('../..', import.meta.url).pathname;

function startProcess(
  name: string,
  command: string,
  args: string[],
  url: string,
  ready: RegExp,
  cwd = ROOT,
  extraEnv: Record<string, string> = {},
): Promise<BenchServer> {
  // CamLoop's own malloc settings given here, so that it does not re-run itself for them and the
  // pid measured is the core's (see malloc-tuning.ts); the others ignore them.
  const env = name.startsWith('CamLoop') ? { ...process.env, ...MALLOC_ENV, ...extraEnv } : process.env;
  const child: ChildProcess = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (ready.test(log)) {
        resolve({
          name,
          url,
          pid: child.pid,
          output: () => log,
          stop: async () => {
            if (child.exitCode !== null) return;
            child.kill('SIGTERM');
            await new Promise((r) => child.once('exit', r));
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready:\n${log}`)));
  });
}

export const servers: Record<string, (port: number, extraArgs?: string[]) => Promise<BenchServer>> = {
  camloop: (port, extraArgs = []) => camloopAt(ROOT, 'CamLoop', port, extraArgs),
  /** The built-ins in OpenCV.js even where they have a native form: before and after in one run. */
  'camloop-opencv': (port, extraArgs = []) =>
    camloopAt(ROOT, 'CamLoop (OpenCV.js filters)', port, extraArgs, { CAMLOOP_NATIVE_FILTERS: '0' }),
  /** Another checkout, built (CAMLOOP_BEFORE=/path): the same as camloop@DIR, named "CamLoop before". */
  'camloop-before': (port, extraArgs = []) => {
    if (!process.env.CAMLOOP_BEFORE) throw new Error('camloop-before needs CAMLOOP_BEFORE=/path/to/a/built/checkout');
    return camloopAt(process.env.CAMLOOP_BEFORE, 'CamLoop before', port, extraArgs);
  },
  aiortc: (port) =>
    startProcess(
      'aiortc',
      '/usr/bin/python3',
      ['server.py', '--host', '127.0.0.1', '--port', String(port)],
      `http://127.0.0.1:${port}`,
      /Running on/,
      AIORTC_CLIENT_DIR,
    ),
  echo: (port) =>
    startProcess(
      'werift echo',
      process.execPath,
      ['dist/bench/echo-server.js', String(port)],
      `http://127.0.0.1:${port}`,
      /echo server on/,
    ),
  'echo-cc': (port) =>
    startProcess(
      'werift echo+cc',
      process.execPath,
      ['dist/bench/echo-server.js', String(port), '--cc'],
      `http://127.0.0.1:${port}`,
      /echo server \(transport-cc\) on/,
    ),
};

/** CamLoop built in `dir`: this checkout, or another (`camloop@DIR`, e.g. the tree before a change) beside it in the same run. */
function camloopAt(
  dir: string,
  name: string,
  port: number,
  extraArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<BenchServer> {
  return startProcess(
    name,
    process.execPath,
    ['dist/electron/core/main.js', '--port', String(port), ...extraArgs],
    `http://127.0.0.1:${port}`,
    // The line after "serving": the panel's URL and its token (the detect bench reads the control API).
    /control panel/,
    dir,
    env,
  );
}

/** The server a name on the command line means: one of `servers`, or `camloop@DIR`. */
export function serverNamed(name: string): (port: number, extraArgs?: string[]) => Promise<BenchServer> {
  const at = /^camloop@(.+)$/.exec(name);
  if (at) return (port, extraArgs) => camloopAt(at[1]!, `CamLoop@${at[1]!.split('/').filter(Boolean).pop()}`, port, extraArgs);
  const start = servers[name];
  if (!start) throw new Error(`unknown server ${name} (${Object.keys(servers).join(', ')}, or camloop@DIR)`);
  return start;
}

/** A process's resident memory now, in MB. */
export async function rssMb(pid: number): Promise<number> {
  return Number((await readFile(`/proc/${pid}/status`, 'utf8')).match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

/** CPU seconds (user + system, all threads) a process has used so far. */
export async function cpuSeconds(pid: number): Promise<number> {
  return ticksToSeconds(await readFile(`/proc/${pid}/stat`, 'utf8'));
}

/** CPU seconds one thread of a process has used so far (`tid` = `pid`: its main thread). */
export async function threadCpuSeconds(pid: number, tid: number): Promise<number> {
  return ticksToSeconds(await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
}

function ticksToSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
