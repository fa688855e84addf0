import { cachedClip } from './clip-cache.js';
import { connectWithRetry } from './connect-retry.js';
import type { CaseClips, HostileCase } from './hostile-cases.js';
import { clipSource } from './hostile-sources.js';
import { HostilePeer } from './hostile-peer.js';

export interface CaseTiming {
  /** Good video measured before the case. */
  beforeMs: number;
  duringMs: number;
  /** How long to wait, once good video resumes, for a frame back made from it. */
  recoveryLimitMs: number;
  /** Good video measured after that first frame. */
  afterMs: number;
}

export interface CaseObservation {
  case: string;
  /**
   * Frames back per second on the hostile peer's own call: before the case, during it, after good video
   * resumed (from the first frame made from it).
   */
  fps: { before: number; during: number; after: number };
  /** From resuming good video to the first frame back made from it; undefined: none within the limit. */
  recoveryMs?: number;
  /** What the peer sent during the case, per second. */
  sentPerSecond: { frames: number; packets: number; bytes: number };
  /** What the server sent the peer during the case, per second: packets, those again (retransmissions), VP8 keyframes. */
  receivedPerSecond: { packets: number; repeated: number; keyframes: number };
  /** PLIs and FIRs the server sent the peer, all the call long. */
  keyframeRequests: number;
  /** The case's start and end (epoch ms), to measure others over it. */
  window: { from: number; to: number };
  /** Connections that failed before one worked (see connectWithRetry). */
  connectFailures: string[];
  /** The case could not run (no connection, no frame back before it). */
  error?: string;
}

/** Every clip the cases send, from the cache (made on first use: the 4K one takes seconds). */
export function hostileClips(): CaseClips {
  const sizes = [
    [320, 240],
    [640, 480],
    [1280, 720],
  ].map(([w, h]) => cachedClip('vp8', w, h, 30, w * h * 5));
  return {
    vp8: cachedClip('vp8', 640, 480, 60, 1_500_000),
    h264: cachedClip('h264', 640, 480, 60, 1_500_000),
    sizes,
    uhd: cachedClip('vp8', 3840, 2160, 8, 12_000_000),
  };
}

const epoch = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(get: () => T | undefined, limitMs: number): Promise<T | undefined> {
  for (const end = performance.now() + limitMs; performance.now() < end; await sleep(20)) {
    const value = get();
    if (value !== undefined) return value;
  }
  return get();
}

/**
 * Runs one case on a call of its own, with `transform` (a filter: frames back are processed ones):
 * once connected (and `connected()` has resolved: the caller may measure something meanwhile),
 * good video until frames come back, the case for `duringMs`, then good video again (from a
 * keyframe) to see whether and how fast the call comes back. The peer leaves with an RTCP BYE.
 */
export async function runCase(
  serverUrl: string,
  kase: HostileCase,
  clips: CaseClips,
  timing: CaseTiming,
  connected: () => Promise<void> = async () => {},
  transform = 'edges',
): Promise<CaseObservation> {
  const good = () => clipSource(kase.codec === 'vp8' ? clips.vp8 : clips.h264, kase.codec);
  let peer: HostilePeer | undefined;
  const observed: CaseObservation = {
    case: kase.name,
    fps: { before: 0, during: 0, after: 0 },
    sentPerSecond: { frames: 0, packets: 0, bytes: 0 },
    receivedPerSecond: { packets: 0, repeated: 0, keyframes: 0 },
    keyframeRequests: 0,
    window: { from: 0, to: 0 },
    connectFailures: [],
  };
  const fpsOver = async (ms: number) => {
    const start = performance.now();
    await sleep(ms);
    return (peer!.returned.filter((f) => f.at >= start).length * 1000) / (performance.now() - start);
  };
  try {
    const connection = await connectWithRetry(
      () => new HostilePeer(kase.codec, good()),
      (p) => p.connect(serverUrl, transform),
    );
    observed.connectFailures = connection.failures;
    peer = connection.peer;
    await connected();
    peer.start();
    if (!(await until(() => peer!.returned[0], 20_000))) throw new Error('no frame back within 20 s of good video, before the case');
    observed.fps.before = await fpsOver(timing.beforeMs);
    const [sent, received] = [{ ...peer.sent }, { ...peer.received }];
    observed.window.from = epoch();
    const stop = kase.start(peer, clips);
    observed.fps.during = await fpsOver(timing.duringMs);
    stop();
    peer.use(good());
    observed.window.to = epoch();
    const seconds = (observed.window.to - observed.window.from) / 1000;
    const rate = <T extends Record<string, number>>(now: T, then: T) =>
      Object.fromEntries(Object.entries(now).map(([k, v]) => [k, (v - then[k]) / seconds])) as T;
    observed.sentPerSecond = rate(peer.sent, sent);
    observed.receivedPerSecond = rate(peer.received, received);
    // A frame made from good video: its source timestamp is the resumed stream's or later.
    const resumedAt = peer.nextTimestamp;
    const resumed = performance.now();
    const back = await until(
      () => peer!.returned.find((f) => f.at >= resumed && f.source !== undefined && ((f.source - resumedAt) | 0) >= 0),
      timing.recoveryLimitMs,
    );
    if (back) {
      observed.recoveryMs = back.at - resumed;
      observed.fps.after = await fpsOver(timing.afterMs);
    }
  } catch (error) {
    observed.error = (error as Error).message;
  } finally {
    observed.keyframeRequests = peer?.keyframeRequests ?? 0;
    await peer?.close();
  }
  return observed;
}
