import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrendlineEstimator, type BandwidthUsage } from '../../../electron/core/rate/trendline.js';

/**
 * Bursts of `packets` packets 1 ms apart, one burst every `everyMs`, each burst reaching the
 * receiver `delay(burst)` ms after it was sent; the state after each burst.
 */
function feed(bursts: number, delay: (burst: number) => number, { everyMs = 10, packets = 1 } = {}): BandwidthUsage[] {
  const trend = new TrendlineEstimator();
  const states: BandwidthUsage[] = [];
  for (let b = 0; b < bursts; b++) {
    for (let k = 0; k < packets; k++) trend.add(b * everyMs + k, b * everyMs + k + delay(b));
    states.push(trend.state);
  }
  return states;
}

const first = (states: BandwidthUsage[], state: BandwidthUsage) => states.indexOf(state);
const count = (states: BandwidthUsage[], state: BandwidthUsage) => states.filter((s) => s === state).length;

describe('TrendlineEstimator (GCC delay-based detector)', () => {
  it('a steady one-way delay is normal', () => {
    assert.equal(
      count(
        feed(200, () => 30),
        'normal',
      ),
      200,
    );
  });

  it('a queue that grows by 10 % of the send rate is overuse, judged only once 20 groups are in', () => {
    const states = feed(100, (b) => 30 + b);
    const at = first(states, 'overusing');
    assert.ok(at > 20 && at < 40, `overuse from group ${at}`);
    assert.ok(
      states.slice(at).every((s) => s === 'overusing'),
      'and it stays so while the queue grows',
    );
  });

  it('packets sent within 5 ms are one group: a 4-packet burst counts once toward the 20', () => {
    const states = feed(100, (b) => 30 + b, { packets: 4 });
    const at = first(states, 'overusing');
    assert.ok(at > 20 && at < 40, `overuse from burst ${at} (each packet its own group would decide after 6 bursts)`);
  });

  it('a queue growing by 2 % stays under the threshold', () => {
    assert.equal(
      count(
        feed(200, (b) => 30 + 0.2 * b),
        'overusing',
      ),
      0,
    );
  });

  it('the threshold follows the path: after 4 s of calm, a queue growing by 3 % is overuse', () => {
    const states = feed(600, (b) => 30 + Math.max(0, b - 400) * 0.3);
    assert.equal(count(states.slice(0, 400), 'overusing'), 0);
    const at = first(states, 'overusing');
    assert.ok(at > 400 && at < 460, `overuse from group ${at} (at the starting threshold: never)`);
  });

  it('a draining queue is underuse; a queue that stops growing is normal again', () => {
    const draining = feed(100, (b) => 200 - 1.5 * b);
    assert.ok(first(draining, 'underusing') > 20, 'underuse once the window is full');
    assert.equal(draining.at(-1), 'underusing');
    const settled = feed(150, (b) => 30 + Math.min(b, 60));
    assert.equal(settled[59], 'overusing');
    assert.equal(settled.at(-1), 'normal');
  });

  it("the path's jitter (0-6 ms at random) and a lone 40 ms spike are not congestion", () => {
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    assert.equal(
      count(
        feed(500, () => 30 + random() * 6),
        'overusing',
      ),
      0,
    );
    assert.equal(
      count(
        feed(100, (b) => 30 + (b === 50 ? 40 : 0)),
        'overusing',
      ),
      0,
    );
  });
});
