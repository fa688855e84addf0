/** The app's own load: what the panel graphs beside its cameras. */
export interface AppLoad {
  /** When (ms since the epoch). */
  at: number;
  /** CPU time of this process (all its threads: the codec workers too) over the last interval, in % of one core. */
  cpuPct: number;
  /** Resident memory, MB. */
  rssMB: number;
}

/** Samples this process's CPU and memory; each sample covers the time since the one before. */
export class ProcessLoad {
  private last = { cpu: process.cpuUsage(), at: performance.now() };

  sample(): AppLoad {
    const cpu = process.cpuUsage();
    const at = performance.now();
    const usedUs = cpu.user - this.last.cpu.user + (cpu.system - this.last.cpu.system);
    const elapsedUs = Math.max(1, (at - this.last.at) * 1000);
    this.last = { cpu, at };
    return { at: Date.now(), cpuPct: (usedUs * 100) / elapsedUs, rssMB: process.memoryUsage.rss() / 1e6 };
  }
}
