export type BandwidthUsage = 'normal' | 'overusing' | 'underusing';

/** Packets sent within this span go out as one burst and are judged together (GCC's 5 ms groups). */
const BURST_MS = 5;
const WINDOW = 20;
const SMOOTHING = 0.9;
const GAIN = 4;
const OVERUSE_MS = 10;
const K_UP = 0.0087;
const K_DOWN = 0.039;

interface Group {
  firstSendMs: number;
  lastSendMs: number;
  lastArrivalMs: number;
}

/**
 * The delay-based half of Google Congestion Control (draft-ietf-rmcat-gcc-02, libwebrtc's
 * TrendlineEstimator): packet groups' one-way delay variation is accumulated and smoothed, the
 * slope over the last 20 groups is compared with an adaptive threshold. A growing queue
 * somewhere on the path shows as a rising slope (overusing) long before packets are lost.
 */
export class TrendlineEstimator {
  state: BandwidthUsage = 'normal';
  private group?: Group;
  private previous?: Group;
  private firstArrivalMs?: number;
  private accumulated = 0;
  private smoothed = 0;
  private readonly points: { x: number; y: number }[] = [];
  private deltas = 0;
  private threshold = 12.5;
  private lastThresholdUpdate?: number;
  private overuseMs = -1;
  private overuseCount = 0;
  private previousTrend = 0;

  /** Feed received packets in send order. */
  add(sendMs: number, arrivalMs: number): void {
    const group = this.group;
    if (group && sendMs - group.firstSendMs <= BURST_MS) {
      group.lastSendMs = sendMs;
      group.lastArrivalMs = Math.max(group.lastArrivalMs, arrivalMs);
      return;
    }
    if (group) {
      if (this.previous)
        this.update(group.lastSendMs - this.previous.lastSendMs, group.lastArrivalMs - this.previous.lastArrivalMs, group.lastArrivalMs);
      this.previous = group;
    }
    this.group = { firstSendMs: sendMs, lastSendMs: sendMs, lastArrivalMs: arrivalMs };
  }

  private update(sendDelta: number, arrivalDelta: number, arrivalMs: number): void {
    this.firstArrivalMs ??= arrivalMs;
    this.deltas = Math.min(this.deltas + 1, 1000);
    this.accumulated += arrivalDelta - sendDelta;
    this.smoothed = SMOOTHING * this.smoothed + (1 - SMOOTHING) * this.accumulated;
    this.points.push({ x: arrivalMs - this.firstArrivalMs, y: this.smoothed });
    if (this.points.length > WINDOW) this.points.shift();
    if (this.points.length < WINDOW) return;
    const trend = slope(this.points) ?? this.previousTrend;
    this.detect(trend, sendDelta, arrivalMs);
  }

  private detect(trend: number, sendDelta: number, nowMs: number): void {
    const modified = Math.min(this.deltas, 60) * trend * GAIN;
    if (modified > this.threshold) {
      this.overuseMs = this.overuseMs < 0 ? sendDelta / 2 : this.overuseMs + sendDelta;
      this.overuseCount++;
      if (this.overuseMs > OVERUSE_MS && this.overuseCount > 1 && trend >= this.previousTrend) {
        this.overuseMs = 0;
        this.overuseCount = 0;
        this.state = 'overusing';
      }
    } else {
      this.overuseMs = -1;
      this.overuseCount = 0;
      this.state = modified < -this.threshold ? 'underusing' : 'normal';
    }
    this.previousTrend = trend;
    this.adaptThreshold(modified, nowMs);
  }

  /** The threshold follows the trend slowly, so a path's normal jitter does not read as congestion. */
  private adaptThreshold(modified: number, nowMs: number): void {
    const last = this.lastThresholdUpdate ?? nowMs;
    this.lastThresholdUpdate = nowMs;
    if (Math.abs(modified) > this.threshold + 15) return;
    const k = Math.abs(modified) < this.threshold ? K_DOWN : K_UP;
    this.threshold += k * (Math.abs(modified) - this.threshold) * Math.min(nowMs - last, 100);
    this.threshold = Math.max(6, Math.min(600, this.threshold));
  }
}

function slope(points: { x: number; y: number }[]): number | undefined {
  const n = points.length;
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - meanX) * (p.y - meanY);
    den += (p.x - meanX) ** 2;
  }
  return den === 0 ? undefined : num / den;
}
