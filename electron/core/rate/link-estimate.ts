import { TrendlineEstimator } from './trendline.js';
import type { PacketFeedback } from './feedback-results.js';

/** Where the estimate starts before any feedback: a phone on the same Wi-Fi takes this easily. */
export const START_BPS = 2_000_000;
const MIN_BPS = 50_000;
const MAX_BPS = 50_000_000;
/** GCC's increase: at most 8 % a second, and never far above what is actually getting through. */
const INCREASE_PER_SECOND = 1.08;
const DECREASE_FACTOR = 0.85;
const ACKED_WINDOW_MS = 500;
const LOSS_WINDOW_MS = 1000;
const REMB_VALID_MS = 3000;
/** Queuing delay (one-way delay above the path's minimum) that counts as congestion on its own. */
const QUEUE_LIMIT_MS = 80;
const LONG_QUEUE_MS = 250;
const BASE_DELAY_WINDOW_MS = 10_000;

/**
 * How many bits per second the path back to the browser carries, estimated from the browser's
 * transport-cc feedback on the packets we send (Google Congestion Control: a delay-based detector,
 * AIMD rate control, a loss-based cap) and capped by the browser's REMB when it sends one.
 * One addition to GCC, because what users feel is delay: a queue of more than 80 ms above the
 * path's minimum one-way delay counts as overuse by itself (GCC only sees the delay's slope, so a
 * standing queue built before it reacted drains slowly), and one of 250 ms cuts deeper.
 */
export class LinkEstimator {
  private delayBased = START_BPS;
  private lossCap = MAX_BPS;
  private remb?: { bps: number; atMs: number };
  private readonly trend = new TrendlineEstimator();
  /** Send time (ms) and size of each transport sequence number still awaiting feedback; -1 once reported. */
  private readonly sentAt = new Float64Array(65536).fill(-1);
  private readonly sentBytes = new Uint32Array(65536);
  private readonly acked: { atMs: number; bytes: number }[] = [];
  private loss = { startMs: 0, lost: 0, total: 0 };
  private lastUpdateMs?: number;
  private lastDecreaseMs = -Infinity;
  /** Lowest one-way delay (browser clock minus ours) per second, for the last 10 s. */
  private readonly baseDelay: { atMs: number; owd: number }[] = [];
  /** Queuing delay of the newest reported packet, in ms. */
  queueMs = 0;
  /** True once feedback arrived: before that the estimate is only a guess. */
  measured = false;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The estimate in bits per second. */
  get bps(): number {
    const remb = this.remb && this.now() - this.remb.atMs < REMB_VALID_MS ? this.remb.bps : MAX_BPS;
    return Math.round(Math.max(MIN_BPS, Math.min(this.delayBased, this.lossCap, remb)));
  }

  /** What got through, per the latest feedback (bits per second over the last half second). */
  get ackedBps(): number | undefined {
    if (this.acked.length < 2) return undefined;
    const span = this.acked[this.acked.length - 1].atMs - this.acked[0].atMs;
    if (span < ACKED_WINDOW_MS / 4) return undefined;
    return (this.acked.reduce((sum, a) => sum + a.bytes, 0) * 8 * 1000) / Math.max(span, ACKED_WINDOW_MS / 2);
  }

  packetSent(seq: number, bytes: number): void {
    this.sentAt[seq & 0xffff] = this.now();
    this.sentBytes[seq & 0xffff] = bytes;
  }

  onRemb(bps: number): void {
    this.remb = { bps, atMs: this.now() };
    this.measured = true;
  }

  onFeedback(results: PacketFeedback[]): void {
    const now = this.now();
    for (const { seq, arrivalMs } of results) {
      const sentMs = this.sentAt[seq];
      if (sentMs < 0) continue;
      this.sentAt[seq] = -1;
      this.loss.total++;
      if (arrivalMs === undefined) {
        this.loss.lost++;
        continue;
      }
      this.trend.add(sentMs, arrivalMs);
      this.trackQueue(sentMs, arrivalMs);
      this.acked.push({ atMs: arrivalMs, bytes: this.sentBytes[seq] });
    }
    const newest = this.acked[this.acked.length - 1]?.atMs ?? 0;
    while (this.acked.length && this.acked[0].atMs < newest - ACKED_WINDOW_MS) this.acked.shift();
    this.measured = true;
    this.updateLoss(now);
    this.updateDelayBased(now);
  }

  private updateDelayBased(now: number): void {
    const elapsed = Math.min(now - (this.lastUpdateMs ?? now), 1000);
    this.lastUpdateMs = now;
    const acked = this.ackedBps;
    if (this.trend.state === 'overusing' || this.queueMs > QUEUE_LIMIT_MS) {
      // At most once per ~RTT: the previous decrease has to take effect before it is judged.
      if (acked !== undefined && now - this.lastDecreaseMs > 300) {
        const factor = this.queueMs > LONG_QUEUE_MS ? 0.7 : DECREASE_FACTOR;
        this.delayBased = Math.max(MIN_BPS, Math.min(this.delayBased, factor * acked));
        this.lastDecreaseMs = now;
      }
      return;
    }
    if (this.trend.state === 'underusing') return; // queues draining: hold
    const increased = this.delayBased * INCREASE_PER_SECOND ** (elapsed / 1000);
    // Do not climb on no evidence: the encoder may be sending far less than the estimate.
    const ceiling = acked === undefined ? this.delayBased : Math.max(this.delayBased, 1.5 * acked + 10_000);
    this.delayBased = Math.max(MIN_BPS, Math.min(increased, ceiling, MAX_BPS));
  }

  private trackQueue(sentMs: number, arrivalMs: number): void {
    const owd = arrivalMs - sentMs;
    const base = this.baseDelay;
    const last = base[base.length - 1];
    if (last && sentMs - last.atMs < 1000) last.owd = Math.min(last.owd, owd);
    else base.push({ atMs: sentMs, owd });
    while (base.length > 1 && base[0].atMs < sentMs - BASE_DELAY_WINDOW_MS) base.shift();
    this.queueMs = owd - Math.min(...base.map((b) => b.owd));
  }

  /** Above 10 % loss the rate comes down by half the loss; below 2 % the cap lifts again. */
  private updateLoss(now: number): void {
    const window = this.loss;
    if (now - window.startMs < LOSS_WINDOW_MS || window.total < 20) return;
    const fraction = window.lost / window.total;
    const current = Math.min(this.delayBased, this.lossCap);
    if (fraction > 0.1) this.lossCap = current * (1 - 0.5 * fraction);
    else if (fraction < 0.02) this.lossCap = Math.min(MAX_BPS, Math.max(this.lossCap, current) * 1.08);
    this.loss = { startMs: now, lost: 0, total: 0 };
  }
}
