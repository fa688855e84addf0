import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinGraphs, NativeGraph } from '../../../electron/core/media/native-graph.js';
import { flatI420, i420Bytes, yuvFrame } from '../../support/yuv-frames.js';

/** A 64x48 picture: luma `left` on the left half and `right` on the right, neutral chroma. */
function halves(left: number, right: number, pts = 0n) {
  const bytes = flatI420(64, 48, 0);
  for (let y = 0; y < 48; y++) bytes.fill(left, y * 64, y * 64 + 32).fill(right, y * 64 + 32, y * 64 + 64);
  return yuvFrame(bytes, 64, 48, pts);
}

describe('NativeGraph', () => {
  it('runs a graph on the frame it is given and returns its own frame, the same graph for every frame', () => {
    const graph = new NativeGraph('hflip', 64, 48);
    for (let i = 0; i < 3; i++) {
      const input = halves(20 + i, 200);
      const out = graph.process(input)!;
      assert.notEqual(out, input);
      const [y] = out.data!;
      assert.deepEqual([y[0], y[63]], [200, 20 + i], 'left and right swapped');
      assert.equal(i420Bytes(input)[0], 20 + i, 'the input is left as it was');
      input.free();
    }
    graph.dispose();
  });

  it('refuses a bad description when it is built, with FFmpeg reason', () => {
    assert.throws(() => new NativeGraph('edgdetect', 64, 48), /filter graph/);
    assert.throws(() => new NativeGraph('hue=nosuchoption=1', 64, 48), /filter graph: Option not found/);
  });

  it('throws on a frame of another size and stays usable for the next', () => {
    const graph = new NativeGraph('negate', 64, 48);
    const wrong = yuvFrame(flatI420(32, 32, 50), 32, 32);
    assert.throws(() => graph.process(wrong), /built for 64x48/);
    const right = halves(10, 10);
    assert.equal(graph.process(right)!.data![0][0], 245);
    for (const f of [wrong, right]) f.free();
    graph.dispose();
  });

  it("passes a frame FFmpeg rejects as an error, and the frames after it through (a run-time failure is one frame's)", () => {
    // Output width NaN for two frames in the middle (scale counts from the first it configures on): both are refused.
    const graph = new NativeGraph("scale=w='if(between(n\\,2\\,3)\\,0/0\\,iw)':h=ih:eval=frame", 64, 48);
    const outcomes = [0, 1, 2, 3, 4, 5].map((n) => {
      const frame = halves(30, 30, BigInt(n * 3000));
      try {
        return graph.process(frame) ? 'ok' : 'held';
      } catch {
        return 'rejected';
      } finally {
        frame.free();
      }
    });
    assert.deepEqual(outcomes.filter((o) => o === 'rejected').length, 2, outcomes.join());
    assert.deepEqual([outcomes[0], ...outcomes.slice(-2)], ['ok', 'ok', 'ok'], outcomes.join());
    graph.dispose();
  });

  it('holds back what a filter delays (undefined) and reads extra sinks', () => {
    const graph = new NativeGraph('split[a][b];[b]scale=8:6[small];[a]tblend=all_mode=difference', 64, 48, ['small']);
    const first = halves(100, 100, 0n);
    assert.equal(graph.process(first), undefined, "tblend's first frame comes one frame later");
    const second = halves(100, 160, 3000n);
    const out = graph.process(second)!;
    assert.deepEqual([out.data![0][0], out.data![0][63]], [0, 60], '|this - previous|');
    assert.deepEqual([graph.aux('small')!.width, graph.aux('small')!.height], [8, 6]);
    for (const f of [first, second]) f.free();
    graph.dispose();
  });

  it("drives time expressions with the frame's pts (1/90000 s): rotate's t is the stream time", () => {
    const graph = new NativeGraph("rotate=a='PI*t':c=black", 64, 48);
    const at = (seconds: number) => {
      const frame = halves(40, 200, BigInt(seconds * 90000));
      const [y] = graph.process(frame)!.data!;
      const left = y[24 * 64 + 8];
      frame.free();
      return left;
    };
    assert.equal(at(0), 40, 'not turned at t = 0');
    assert.ok(at(1) > 150, 'half a turn at t = 1 s: the bright half is on the left');
    graph.dispose();
  });
});

describe('joinGraphs', () => {
  it("chains stages' graphs into one, each stage's labels its own", () => {
    assert.equal(joinGraphs(['hflip']), 'hflip');
    assert.equal(joinGraphs(['split[a][b];[a][b]hstack', 'vflip']), 'split[s0_a][s0_b];[s0_a][s0_b]hstack[link1];[link1]vflip');
    const graph = new NativeGraph(joinGraphs(['hflip', 'split[a][b];[a][b]blend=all_mode=average', 'vflip']), 64, 48);
    const frame = halves(20, 200);
    const [y] = graph.process(frame)!.data!;
    assert.deepEqual([y[0], y[63]], [200, 20]);
    frame.free();
    graph.dispose();
  });
});
