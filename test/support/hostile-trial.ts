import type { GuardCounts } from '../../electron/core/base/guard-counts.js';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { startApp, type AppProcess } from './app-process.js';
import { BrowserlessPeer } from './browserless-peer.js';
import { cachedClip } from './clip-cache.js';
import { connectWithRetry } from './connect-retry.js';
import type { HostileCase } from './hostile-cases.js';
import { hostileClips, type CaseObservation, type CaseTiming } from './hostile-run.js';

export interface TrialRow {
  case: string;
  /**
   * The good phone's frames back per second alone just before the case (no other call), over the
   * case, its worst whole second in it, and `fps` as a share of `alone`.
   */
  good: { alone: number; fps: number; worstSecond: number; ratio: number };
  hostile: CaseObservation;
  /** The server's resident memory before the case and once the hostile call is gone (NaN: no server process). */
  rssMb: { before: number; after: number };
  /** The hostile call's session as the server last described it (GET /api/sessions, polled during the case). */
  session?: SessionSnapshot;
  /** The hostile call's session was still listed 5 s after its BYE. */
  lingered: boolean;
  /**
   * From the hostile session's end to calm: the end of the good phone's first whole second at half
   * its fps alone (the start's) or more, with the server's RSS within 150 MB of before the case. A
   * harm that outlasts its case is charged to it, not to the next; undefined: not within 90 s.
   */
  settledMs?: number;
  /** What the server wrote during the case besides INFO and DEBUG lines: warnings, native errors, stacks. */
  logLines: string[];
  /** The server still runs and serves its page. */
  serving: boolean;
}

/** The part of the server's SessionInfo a row keeps (typed here: the harness imports nothing of the core's for it). */
export interface SessionSnapshot {
  connectionState: string;
  errors: string[];
  guard?: GuardCounts;
  stats?: {
    framesIn: number;
    framesOut: number;
    dropped: number;
    skipped: number;
    width: number;
    height: number;
    sentWidth: number;
    sentHeight: number;
    scaledFor?: string;
    encoderBitrate: number;
    timings: { decodeMs: number; transformMs: number; encodeMs: number };
  };
}

const SETTLE_LIMIT_MS = 90_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process's resident memory in MB (NaN once it is gone). */
export function rssMb(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;
  } catch {
    return NaN;
  }
}

/**
 * Runs one case of HOSTILE_CASES (by name) in a worker thread (see hostile-worker.ts). Its peer
 * connects while `meanwhile()` runs; the case starts once both are done.
 */
export function runCaseInThread(
  serverUrl: string,
  name: string,
  timing: CaseTiming,
  meanwhile: Promise<unknown>,
): Promise<CaseObservation> {
  const worker = new Worker(new URL('./hostile-worker.js', import.meta.url), { workerData: { serverUrl, name, timing } });
  return new Promise((resolve, reject) => {
    worker.on('message', (message: { connected?: true; observed?: CaseObservation }) => {
      if (message.connected) void meanwhile.then(() => worker.postMessage('go'));
      if (!message.observed) return;
      resolve(message.observed);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the hostile case's thread exited (${code}) without a result`)));
  });
}

/**
 * CamLoop as users start it (a process of its own), a good phone that stays all along (640x480 VP8
 * at 30 fps, edges), and hostile cases run beside it one at a time, each on a call of its own.
 */
export class HostileTrial {
  aloneFps = 0;
  /** The good phone (connected by start()). */
  good!: BrowserlessPeer;
  private output = '';

  /** The core's pid: main.js runs itself again with its malloc settings, so the core is its child when there is one. */
  readonly corePid: number;

  private constructor(readonly app: AppProcess) {
    const { pid } = app.app;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    this.corePid = children ? Number(children.split(' ')[0]) : pid!;
    app.app.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    // Whatever ends this process, the app goes too (a SIGKILL to main.js would leave its core running).
    process.once('exit', () => {
      if (app.app.exitCode !== null || app.app.signalCode !== null) return;
      for (const pid of new Set([this.corePid, app.app.pid!])) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // Gone already.
        }
      }
    });
  }

  /** Starts the app and the good phone, and measures the phone's fps alone over `aloneMs`. */
  static async start(aloneMs: number): Promise<HostileTrial> {
    hostileClips();
    const app = await startApp();
    const trial = new HostileTrial(app);
    try {
      const clip = cachedClip('vp8', 640, 480, 60, 1_500_000);
      const { peer, failures } = await connectWithRetry(
        () => new BrowserlessPeer(clip),
        (p) => p.connect(app.url, 'edges'),
      );
      if (failures.length) console.warn(`the good phone connected after ${failures.length} failed tries: ${failures.join('; ')}`);
      trial.good = peer;
      for (const end = Date.now() + 20_000; trial.good.stats.framesReceived === 0; await sleep(50)) {
        if (Date.now() > end) throw new Error('the good phone got no frame back in 20 s');
      }
      // Past its first seconds (a codec worker's start, the encoder's first rate).
      await sleep(2000);
      trial.aloneFps = await trial.goodFpsOver(aloneMs);
      return trial;
    } catch (error) {
      await trial.close();
      throw error;
    }
  }

  /** The good phone's frames back per second over the next `ms`. */
  async goodFpsOver(ms: number): Promise<number> {
    const start = this.good.stats.framesReceived;
    await sleep(ms);
    return ((this.good.stats.framesReceived - start) * 1000) / ms;
  }

  /**
   * Runs `kase` beside the good phone. Its fps alone is measured again just before (`aloneMs`, while
   * the hostile peer connects): on a shared machine the load of others drifts, and the case is
   * judged against the same minutes.
   */
  async run(kase: HostileCase, timing: CaseTiming, aloneMs = 2000): Promise<TrialRow> {
    const before = rssMb(this.corePid);
    const [errFrom, outFrom] = [this.app.log().length, this.output.length];
    // Polled while the case runs: the hostile session is the one made since (not one that lingers from before).
    let session: SessionSnapshot | undefined;
    let polling = true;
    const since = Date.now();
    const poll = (async () => {
      for (; polling; await sleep(500)) {
        const sessions = await this.app.api<(SessionSnapshot & { createdAt: number })[]>('/api/sessions').catch(() => []);
        session = sessions.find((s) => s.createdAt >= since && s.connectionState === 'connected') ?? session;
      }
    })();
    // Alone while the hostile peer connects (it sends nothing until then).
    const aloneFps = this.goodFpsOver(aloneMs);
    const hostile = await runCaseInThread(this.app.url, kase.name, timing, aloneFps).finally(() => (polling = false));
    const alone = await aloneFps;
    await poll;
    const from = hostile.window.from - performance.timeOrigin;
    const to = hostile.window.to - performance.timeOrigin;
    const arrivals = this.good.stats.arrivals.filter((t) => t >= from && t < to);
    const fps = (arrivals.length * 1000) / (to - from);
    let worstSecond = Infinity;
    for (let at = from; at + 1000 <= to; at += 1000)
      worstSecond = Math.min(worstSecond, arrivals.filter((t) => t >= at && t < at + 1000).length);
    let lingered = true;
    for (const end = Date.now() + 5000; Date.now() < end && this.app.app.exitCode === null; await sleep(100)) {
      const sessions = await this.app.api<{ createdAt: number }[]>('/api/sessions').catch(() => undefined);
      if (sessions && !sessions.some((s) => s.createdAt >= since)) {
        lingered = false;
        break;
      }
    }
    // Waits for calm (long, so that the next case starts clean), however long the harm lasts.
    const ended = performance.now();
    let settledMs: number | undefined;
    while (settledMs === undefined && performance.now() - ended < SETTLE_LIMIT_MS && this.app.app.exitCode === null) {
      const fps = await this.goodFpsOver(1000);
      if (fps >= 0.5 * this.aloneFps && rssMb(this.corePid) <= before + 150) settledMs = performance.now() - ended;
    }
    const written = `${this.app.log().slice(errFrom)}${this.output.slice(outFrom)}`;
    return {
      case: kase.name,
      good: { alone, fps, worstSecond: worstSecond === Infinity ? 0 : worstSecond, ratio: fps / alone },
      hostile,
      session,
      rssMb: { before, after: rssMb(this.corePid) },
      lingered,
      settledMs,
      logLines: written.split('\n').filter((line) => line.trim() && !/^\S+ (INFO|DEBUG) /.test(line)),
      serving:
        this.app.app.exitCode === null &&
        (await fetch(this.app.url).then(
          (r) => r.ok,
          () => false,
        )),
    };
  }

  async close(): Promise<void> {
    await this.good?.close();
    if (this.app.app.exitCode !== null || this.app.app.signalCode !== null) return;
    this.app.app.kill('SIGTERM');
    await once(this.app.app, 'exit');
  }
}
