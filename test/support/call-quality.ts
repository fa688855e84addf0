import type { Page } from 'playwright-core';
import { videoRtpStats } from './browser.js';
import type { ProbeState } from './frame-probe.js';

/** What the phone's user sees over a window of a call: what bench:network reports per profile. */
export interface CallQuality {
  seconds: number;
  /** Frames of the processed video presented per second. */
  fps: number;
  /** From a scene switch of the camera to its change in what comes back (ms). */
  latencyP50?: number;
  latencyP95?: number;
  /** Gaps over 500 ms between presented frames. */
  freezes: number;
  longestGapMs: number;
  /** Video bits per second the phone sends, and receives. */
  kbpsUp: number;
  kbpsDown: number;
}

interface ProbePage {
  probes: Record<string, ProbeState>;
  trackScene: boolean;
  fakeCamera: { probe: boolean; switches: number[] };
}

const FREEZE_MS = 500;

/**
 * Watches an open camera page (fake camera, probes installed) for `seconds`: the fake camera
 * switches its scene every 500 ms and the probe times each switch's return.
 */
export async function measureCall(page: Page, seconds: number): Promise<CallQuality> {
  const before = await page.evaluate(() => {
    const w = window as unknown as ProbePage;
    w.fakeCamera.probe = true;
    w.trackScene = true;
    return { at: performance.now(), frames: w.probes['#remote']!.frames };
  });
  const rtpBefore = await videoRtpStats(page);
  await page.waitForTimeout(seconds * 1000);
  const after = await page.evaluate(() => {
    const w = window as unknown as ProbePage;
    const probe = w.probes['#remote']!;
    return { at: performance.now(), frames: probe.frames, times: probe.times, changes: probe.changes, switches: w.fakeCamera.switches };
  });
  const rtpAfter = await videoRtpStats(page);
  const elapsed = (after.at - before.at) / 1000;

  const times = after.times.filter((t) => t >= before.at);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  if (times.length) gaps.push(after.at - times.at(-1)!);
  else gaps.push(after.at - before.at);
  const latencies: number[] = [];
  for (const change of after.changes) {
    if (change.at < before.at) continue;
    const cause = after.switches.filter((s) => s <= change.at).pop();
    if (cause !== undefined && change.at - cause < 2000) latencies.push(change.at - cause);
  }
  const kbps = (a?: number, b?: number) => (((b ?? 0) - (a ?? 0)) * 8) / elapsed / 1000;
  return {
    seconds: elapsed,
    fps: (after.frames - before.frames) / elapsed,
    latencyP50: percentile(latencies, 0.5),
    latencyP95: percentile(latencies, 0.95),
    freezes: gaps.filter((g) => g > FREEZE_MS).length,
    longestGapMs: Math.max(0, ...gaps),
    kbpsUp: kbps(rtpBefore.outbound.bytesSent, rtpAfter.outbound.bytesSent),
    kbpsDown: kbps(rtpBefore.inbound.bytesReceived, rtpAfter.inbound.bytesReceived),
  };
}

/** The p-quantile (0..1) of `values`, undefined for none. */
export function percentile(values: number[], p: number): number | undefined {
  if (!values.length) return undefined;
  return [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)];
}
