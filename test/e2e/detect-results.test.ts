import assert from 'node:assert/strict';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import { openCameraPage, waitForFrames } from '../support/browser.js';
import { useServerAndBrowser } from '../support/fixture.js';
import { PYTHON, pyDetect, pythonPluginDir } from '../support/python-plugins.js';
import { listenResults } from '../support/results-stream.js';
import { api } from '../support/server.js';
import { boxEdges } from '../support/video-regions.js';

const BOX = "{'x': 64, 'y': 60, 'width': 160, 'height': 120}";
const FILES = {
  // k picks what goes wrong; a good box comes with each bad thing, and must not be drawn.
  'bad.py': pyDetect(
    'py-bad',
    [
      "k = params['k']",
      `box = ${BOX}`,
      "if k == 1: return {'boxes': [box], 'points': [{'x': 5, 'y': float('nan')}]}",
      "if k == 2: return {'boxes': [box, dict(box, x='64')]}",
      "if k == 3: raise ValueError('the model exploded')",
      "if k == 4: return {'boxes': [box], 'mask': numpy.zeros((8, 8), numpy.float32)}",
      "if k == 5: return {'boxes': [box], 'mask': numpy.zeros((2160, 3840), numpy.uint8)}",
      "if k == 6: return {'boxes': [box], 'padding': 'x' * (1 << 20)}",
      'if k == 7: time.sleep(600)',
      "return {'boxes': [box]}",
    ].join('\n'),
    'import numpy',
  ),
  // Half a megabyte of results, 8 times a second: a listener that stops reading fills up fast.
  'wordy.py': pyDetect('py-wordy', "time.sleep(0.12)\nreturn {'padding': 'x' * 500_000}"),
  // A model that waits 150 ms a call (a GPU's, or a server's): it takes no CPU from the video, so only max-rate holds it back.
  'slow.py': pyDetect('py-slow', 'time.sleep(0.15)\nreturn {}'),
};

let server: CamLoopServer;
let browser: Browser;
let page: Page;
const cleanups = useServerAndBrowser(
  async () => {
    const dir = await pythonPluginDir(FILES);
    cleanups.add(() => rm(dir, { recursive: true, force: true }));
    await copyFile(new URL('../../../plugins/examples/moving-things.mjs', import.meta.url), join(dir, 'moving-things.mjs'));
    return { pluginsDir: dir, python: PYTHON };
  },
  async (s, b) => {
    [server, browser] = [s, b];
    page = await openCameraPage(browser, server.url, { transform: 'none' });
    await waitForFrames(page, 10);
  },
);

const session = (): SessionInfo => server.sessions.list()[0].info();
const setTransform = async (body: unknown) =>
  assert.equal((await api(server, `/api/sessions/${session().id}/transform`, { method: 'PUT', body: JSON.stringify(body) })).status, 200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(test: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('detect results: errors, the stream, throttling', { timeout: 180_000 }, () => {
  it('GET /api/sessions/:id/results is the control API: the token, and no foreign Origin', async () => {
    await setTransform('py-bad');
    const id = session().id;
    const anonymous = await listenResults(server, id, { token: null });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.error ?? '', /control token/);
    const wrong = await listenResults(server, id, { token: 'not-the-token' });
    assert.equal(wrong.status, 401);
    const foreign = await listenResults(server, id, { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    const ok = await listenResults(server, id);
    assert.equal(ok.status, 200);
    assert.equal(ok.contentType, 'text/event-stream; charset=utf-8');
    await until(() => ok.events.length > 0, 'a result');
    ok.close();
    assert.equal((await listenResults(server, 'no-such-session')).status, 404);
  });

  it('a bad result is a clear error: nothing of it is drawn, the video goes on', async () => {
    const cases: [number, RegExp][] = [
      [1, /"py-bad": ValueError: results hold a NaN or an infinity/],
      [2, /"py-bad": returned results CamLoop cannot draw: boxes\[1\]\.x is the string "64"/],
      [3, /"py-bad": ValueError: the model exploded\n[\s\S]*bad\.py", line \d+, in detect/],
      [4, /"py-bad": TypeError: mask is float32: expected uint8/],
      [5, /"py-bad": ValueError: mask of 3840x2160: at most 2500000 pixels/],
      [6, /"py-bad": ValueError: results are 1\.0 MB of JSON: at most 1 MB/],
      [7, /"py-bad": detect\(\) took more than 5 s on one frame; restarting in 0.5 s/],
    ];
    for (const [k, error] of cases) {
      // maxAge 0.2 s: the good box before it has faded (0.7 s) by the time the picture is looked at.
      await setTransform({ id: 'py-bad', params: { k, maxAge: 0.2 } });
      await until(() => error.test(session().errors.join('\n')), `error ${k}`, 20_000);
      await sleep(1000);
      await waitForFrames(page, 10, '#remote', 5000);
      const edges = await boxEdges(page, { x0: 0.1, y0: 0.125, x1: 0.35, y1: 0.375 });
      assert.ok(edges.edge < edges.around + 30, `k = ${k}: no box drawn (${edges.edge.toFixed(0)} vs ${edges.around.toFixed(0)})`);
    }
    assert.equal(session().connectionState, 'connected');
    // A good result again: drawn.
    await setTransform({ id: 'py-bad', params: { k: 0 } });
    await until(() => (session().models[0]?.ageMs ?? Infinity) < 500, 'a fresh result', 20_000);
    await sleep(500);
    const edges = await boxEdges(page, { x0: 0.1, y0: 0.125, x1: 0.35, y1: 0.375 });
    assert.ok(edges.edge > edges.around + 60, `the good box is drawn (${edges.edge.toFixed(0)} vs ${edges.around.toFixed(0)})`);
  });

  it('many listeners get every result; one that stops reading is dropped, and the others go on', async () => {
    await setTransform('py-wordy');
    const id = session().id;
    const readers = [await listenResults(server, id), await listenResults(server, id)];
    const stalled = await listenResults(server, id, { stalled: true });
    cleanups.add(() => [...readers, stalled].forEach((l) => l.close()));
    await until(() => session().resultListeners === 3 && readers.every((r) => r.events.length > 0), 'three listeners');
    // Its socket stops taking bytes once the kernel's buffers are full (a few MB), then 1 MB waits in CamLoop: dropped.
    await until(() => session().resultListeners === 2, 'the stalled listener dropped', 30_000);
    const counts = readers.map((r) => r.events.length);
    await sleep(1500);
    assert.ok(
      readers.every((r, i) => r.events.length >= counts[i] + 5),
      `the readers go on (${readers.map((r) => r.events.length)})`,
    );
    assert.deepEqual(
      readers[0].events
        .slice(-3)
        .map((e) => e.event.results.padding)
        .map((p) => (p as string).length),
      [500_000, 500_000, 500_000],
    );
    await waitForFrames(page, 10, '#remote', 5000);
  });

  it('the max-rate param holds a model back, and the session says it was throttled', async () => {
    await setTransform({ id: 'py-slow', params: { maxRate: 2 } });
    const stream = await listenResults(server, session().id);
    cleanups.add(() => stream.close());
    await until(() => stream.events.length > 0, 'a result');
    await sleep(5000);
    const recent = stream.events.filter((e) => e.at > Date.now() - 4000).length / 4;
    assert.ok(recent <= 2.3 && recent >= 1.2, `~2 results/s (${recent})`);
    await until(() => session().models[0]?.throttled === 'max-rate', 'throttled: max-rate', 5000);
    stream.close();
  });

  it('JS detect filters run in a thread of their own: the example finds the moving ball; faces -> pixelate-boxes chains', async () => {
    await setTransform('moving-things');
    const stream = await listenResults(server, session().id);
    cleanups.add(() => stream.close());
    await until(() => stream.events.some((e) => ((e.event.results.boxes as unknown[]) ?? []).length > 0), 'the ball, moving', 20_000);
    await setTransform([{ id: 'faces' }, { id: 'pixelate-boxes' }]);
    await until(() => stream.events.some((e) => e.event.id === 'faces'), 'faces results', 20_000);
    const faces = stream.events.filter((e) => e.event.id === 'faces').at(-1)!.event;
    assert.deepEqual(faces.results, { boxes: [], count: 0 }, 'no face in the fake camera');
    await waitForFrames(page, 10, '#remote', 5000);
    assert.deepEqual(
      session().errors.filter((e) => /faces|pixelate|moving/.test(e)),
      [],
    );
  });
});
