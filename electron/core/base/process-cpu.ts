import { readFileSync } from 'node:fs';

/** Clock ticks a second in /proc (USER_HZ: 100 on every Linux this runs on). */
const TICKS = 100;

/**
 * CPU seconds (user + system, all its threads) process `pid` has used so far, from /proc (Linux);
 * undefined where there is no /proc or the process is gone.
 */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}
