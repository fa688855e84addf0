import { spawn } from 'node:child_process';

/**
 * glibc's malloc settings, read from the environment at start (Node cannot call mallopt): a fixed
 * mmap threshold, so the frame-sized buffers a camera's worker frees go back to the system
 * (see docs/decisions.md, malloc settings).
 */
export const MALLOC_ENV: Record<string, string> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/** True when this process runs with MALLOC_ENV already (or where it means nothing: not glibc). */
export function mallocTuned(env: NodeJS.ProcessEnv = process.env, platform = process.platform): boolean {
  return platform !== 'linux' || Object.keys(MALLOC_ENV).every((key) => env[key] !== undefined);
}

/**
 * Runs this same program again with MALLOC_ENV and waits for it: signals go to it, its exit code
 * becomes ours. Used once at the headless entry; the child sees the settings and runs the core.
 */
export function rerunTuned(): Promise<never> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...MALLOC_ENV },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  return new Promise<never>(() => {
    child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  });
}
