import { spawn } from 'node:child_process';

/**
 * glibc's malloc settings for CamLoop's process, which glibc reads from the environment at start
 * (Node cannot call mallopt). By default malloc raises its mmap threshold each time a large block
 * is freed, so frame-sized buffers (FFmpeg frames, libvpx's) then come from per-thread arenas, and
 * what a camera's codec worker freed stays with the process after the camera is gone. Measured
 * with bench:churn (40 phones, one every 1.4 s): RSS +119 MB after they all left with the
 * defaults, +29 MB with these (and ~90 MB less while loaded).
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
