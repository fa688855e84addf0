import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ResultEvent } from '../../../electron/core/detect/events.js';
import { ResultsLog } from '../../../electron/core/recording/results-log.js';

const event = (frameTime: number, n: number): ResultEvent => ({
  id: 'finder',
  kind: 'detect',
  frameTime,
  startedAt: 1000,
  readyAt: 1150,
  width: 640,
  height: 480,
  results: { n },
});

describe("a recording's results", () => {
  it('are JSON lines whose t is the time in the video of the frame they were computed on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camloop-results-'));
    try {
      const log = new ResultsLog(join(dir, 'video.results.jsonl'));
      log.write(event(0.9, 0)); // before the recording's first frame: left out
      log.frame(1.0, 0.05);
      log.frame(1.1, 0.15);
      log.write(event(1.0, 1)); // computed on a frame in the video (150 ms later: written now)
      log.frame(1.2, 0.25);
      log.write(event(1.15, 2)); // its frame was never sent: the one before it, plus the gap
      log.close();
      await new Promise((r) => setTimeout(r, 50));
      const lines = (await readFile(log.path, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.deepEqual(
        lines.map((l) => [l.t, l.id, l.frameTime, l.results.n]),
        [
          [0.05, 'finder', 1.0, 1],
          [0.2, 'finder', 1.15, 2],
        ],
      );
      assert.equal(lines[0].readyAt, 1150);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
