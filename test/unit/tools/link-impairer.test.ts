import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { IMPAIRER_TRACE_SCRIPT, SYSTEM_PYTHON, type LinkCounts, type LinkProfile } from '../../support/link-impairer.js';

// What link_impairer.py does to traffic, measured on its schedule (when each frame leaves, or is
// lost): the code that forwards the frames in e2e/network-link, run here on scripted traffic.

type Step = { configure: LinkProfile | Record<string, unknown> } | { send: number; at?: number; every?: number; size?: number };
interface Run {
  /** Per send step: when each frame leaves (s), null if it does not. */
  sent: (number | null)[][];
  errors: string[];
  counts: LinkCounts;
}

const RUNS = {
  delay: [{ configure: { delay_ms: 50 } }, { send: 5, at: 10, every: 0.002, size: 1000 }],
  // Frames 1 ms apart (jitter would reorder them), then 100 ms apart (it cannot).
  jitter: [{ configure: { delay_ms: 50, jitter_ms: 20 } }, { send: 2000, every: 0.001, size: 100 }, { send: 500, at: 10, every: 0.1 }],
  loss: [{ configure: { loss: 0.03 } }, { send: 20_000, every: 0.001, size: 100 }],
  // 1250 bytes take 10 ms at 1 Mbps: a burst of 30 fills the 100 ms queue, the rest is dropped.
  burst: [{ configure: { rate_kbps: 1000, queue_ms: 100 } }, { send: 30, size: 1250 }],
  // 2 Mbps offered for 2 s to a 1 Mbps link.
  sustained: [{ configure: { rate_kbps: 1000, queue_ms: 100 } }, { send: 400, every: 0.005, size: 1250 }],
  downAndUp: [{ configure: { down: true } }, { send: 10, every: 0.01 }, { configure: { down: false } }, { send: 1, at: 1 }],
  typo: [{ configure: { dealy_ms: 5 } }, { send: 1, at: 2 }],
} satisfies Record<string, Step[]>;

let runs: Record<keyof typeof RUNS, Run>;

before(async () => {
  const names = Object.keys(RUNS) as (keyof typeof RUNS)[];
  const input = JSON.stringify(names.map((name) => ({ seed: 7, steps: RUNS[name] })));
  const output = await new Promise<string>((resolve, reject) => {
    const child = execFile(SYSTEM_PYTHON, [IMPAIRER_TRACE_SCRIPT], (error, stdout, stderr) =>
      error ? reject(new Error(stderr)) : resolve(stdout),
    );
    child.stdin!.end(input);
  });
  const results = JSON.parse(output) as Run[];
  runs = Object.fromEntries(names.map((name, i) => [name, results[i]!])) as typeof runs;
});

/** How long each frame that left was held (ms), frame i having come at `at + i * every`. */
const delaysMs = (dues: (number | null)[], every: number, at = 0) =>
  dues.flatMap((due, i) => (due === null ? [] : [(due - (at + i * every)) * 1000]));
const close = (a: number, b: number, within = 1e-6) => Math.abs(a - b) < within;

describe("link_impairer.py's schedule", () => {
  it('delays each frame by delay_ms', () => {
    const delays = delaysMs(runs.delay.sent[0]!, 0.002, 10);
    assert.ok(
      delays.every((d) => close(d, 50)),
      delays.join(', '),
    );
  });

  it('jitter varies the delay by up to jitter_ms each way, never reorders', () => {
    const [dense, sparse] = runs.jitter.sent as [number[], number[]];
    assert.deepEqual(
      dense,
      [...dense].sort((a, b) => a - b),
      'in order',
    );
    const delays = delaysMs(dense, 0.001);
    const [min, max] = [Math.min(...delays), Math.max(...delays)];
    assert.ok(min >= 30 - 1e-6 && max < 71, `delays ${min.toFixed(1)}..${max.toFixed(1)} ms`);
    // Frames far apart keep their own delay: spread evenly over 50 +- 20 ms.
    const apart = delaysMs(sparse, 0.1, 10);
    const mean = apart.reduce((sum, d) => sum + d, 0) / apart.length;
    assert.ok(mean > 48 && mean < 52, `mean ${mean.toFixed(1)} ms`);
    assert.ok(Math.min(...apart) < 32 && Math.max(...apart) > 68, 'over the whole range');
  });

  it('loses about `loss` of the frames, and counts them', () => {
    const lost = runs.loss.sent[0]!.filter((due) => due === null).length;
    assert.ok(lost > 450 && lost < 750, `${lost} of 20000 at 3 %`);
    assert.equal(runs.loss.counts.lost, lost);
    assert.equal(runs.loss.counts.passed, 20_000 - lost);
  });

  it('a rate cap serialises a burst at the rate and drops what would wait longer than queue_ms', () => {
    const dues = runs.burst.sent[0]!;
    const passed = dues.filter((due) => due !== null);
    assert.equal(passed.length, 11);
    assert.ok(
      passed.every((due, i) => close(due, (i + 1) * 0.01)),
      `one every 10 ms: ${passed.join(', ')}`,
    );
    assert.deepEqual(dues.slice(11), Array(19).fill(null), 'the tail is dropped');
    assert.equal(runs.burst.counts.queue_full, 19);
  });

  it('a rate cap holds 2 Mbps offered to the rate, with a queue no longer than queue_ms', () => {
    const dues = runs.sustained.sent[0]!;
    const passed = dues.filter((due) => due !== null);
    const kbps = (passed.length * 1250 * 8) / (passed.at(-1)! - passed[0]!) / 1000;
    assert.ok(kbps > 950 && kbps < 1050, `${kbps.toFixed(0)} kbps through`);
    const waits = delaysMs(dues, 0.005);
    assert.ok(Math.max(...waits) <= 100 + 10 + 1e-6, `longest wait ${Math.max(...waits).toFixed(1)} ms`);
    assert.ok(dues.filter((due) => due === null).length > 150, 'about half is dropped');
  });

  it('down drops everything until up again', () => {
    const [whileDown, afterUp] = runs.downAndUp.sent as [(number | null)[], (number | null)[]];
    assert.deepEqual(whileDown, Array(10).fill(null));
    assert.equal(runs.downAndUp.counts.down, 10);
    assert.deepEqual(afterUp, [1]);
  });

  it('refuses a profile key it does not know, and keeps its profile', () => {
    assert.equal(runs.typo.errors.length, 1);
    assert.match(runs.typo.errors[0]!, /dealy_ms/);
    assert.deepEqual(runs.typo.sent, [[2]], 'no delay applied');
  });
});
