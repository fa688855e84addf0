import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import { fpsBack, openCameraPage, waitForFrames } from '../support/browser.js';
import { useServerAndBrowser } from '../support/fixture.js';
import { PYTHON, pyDetect, pythonPluginDir } from '../support/python-plugins.js';
import { listenResults } from '../support/results-stream.js';
import { api, firstSession, putTransform } from '../support/server.js';
import { boxEdges, regionDetail, type Region } from '../support/video-regions.js';

/** Where the test models put their box, in fractions of the picture they are given. */
const BOX: Region = { x0: 0.1, y0: 0.125, x1: 0.35, y1: 0.375 };
const FILES = {
  // A model that takes 150 ms a call, asleep: the CPU stays the video's.
  'slow_box.py': pyDetect(
    'py-slow-box',
    `time.sleep(0.15)\nh, w = image.shape[:2]\nreturn {'boxes': [{'x': w * ${BOX.x0}, 'y': h * ${BOX.y0}, 'width': w * ${BOX.x1 - BOX.x0}, 'height': h * ${BOX.y1 - BOX.y0}, 'label': 'thing'}]}`,
  ),
  // The left half is the foreground; the filter's own `mask` param makes blur its default.
  'halves.py': pyDetect(
    'py-halves',
    "h, w = image.shape[:2]\nm = numpy.zeros((h // 4, w // 4), numpy.uint8)\nm[:, : w // 8] = 255\nreturn {'mask': m}",
    "import numpy\nPARAMS = [{'name': 'mask', 'label': 'Mask', 'type': 'choice', 'choices': ['blur', 'off'], 'default': 'blur'}]",
  ),
};

let server: CamLoopServer;
let browser: Browser;
let page: Page;
const cleanups = useServerAndBrowser(
  async () => {
    const dir = await pythonPluginDir(FILES);
    cleanups.add(() => rm(dir, { recursive: true, force: true }));
    return { pluginsDir: dir, python: PYTHON };
  },
  async (s, b) => {
    [server, browser] = [s, b];
    page = await openCameraPage(browser, server.url, { transform: 'invert' });
    await waitForFrames(page, 20);
  },
);

const session = (): SessionInfo => firstSession(server);
const setTransform = (body: unknown) => putTransform(server, body);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('detect filters in a call (Python, Debian python3-opencv)', { timeout: 180_000 }, () => {
  it('a 150 ms detect: the video comes back at the rate invert does, the box is drawn where detect put it, ~6 results/s stream out', async () => {
    await sleep(3000); // the size sent settles (CpuScale) before it is measured
    const invertFps = await fpsBack(page, 6000);
    await setTransform('py-slow-box');
    const stream = await listenResults(server, session().id);
    cleanups.add(() => stream.close());
    while (!stream.events.length) await sleep(100);
    await sleep(1000);
    const counted = stream.events.length;
    const start = Date.now();
    const detectFps = await fpsBack(page, 6000);
    const rate = ((stream.events.length - counted) * 1000) / (Date.now() - start);
    // What this guards against is a slideshow (one frame in flight: ~6 fps); 0.8 leaves room for a shared machine.
    assert.ok(
      detectFps >= 0.8 * invertFps,
      `video back at ${detectFps.toFixed(1)} fps with the model, ${invertFps.toFixed(1)} with invert`,
    );
    assert.ok(
      rate > 4.5 && rate < 7,
      `~6 results/s (${rate.toFixed(1)}; ${detectFps.toFixed(1)} vs ${invertFps.toFixed(1)} fps; ${JSON.stringify(session().models)} ${JSON.stringify(session().stats)})`,
    );

    const { event } = stream.events.at(-1)!;
    assert.equal(event.id, 'py-slow-box');
    assert.equal(event.kind, 'detect');
    assert.ok(
      event.readyAt - event.startedAt >= 150,
      `ready 150 ms or more after the frame was handed over (${event.readyAt - event.startedAt})`,
    );
    assert.ok(Number.isFinite(event.frameTime));
    assert.deepEqual(Object.keys(event.results), ['boxes']);
    assert.equal((event.results.boxes as { label: string }[])[0].label, 'thing');

    const edges = await boxEdges(page, BOX);
    assert.ok(
      edges.edge > edges.around + 60,
      `the box's edges are green, beside them not (${edges.edge.toFixed(0)} vs ${edges.around.toFixed(0)})`,
    );

    const model = session().models.find((m) => m.id === 'py-slow-box')!;
    assert.ok(model.rate > 4 && model.callMs! >= 150 && model.ageMs < 1000, JSON.stringify(model));
    assert.ok(model.drawnAgeP50! >= 150 && model.drawnAgeP50! < 400, `results drawn ~150-300 ms after their frame (${model.drawnAgeP50})`);
    assert.deepEqual(session().errors, []);
  });

  it('the phone lists what the model found, with its rate beside its name', async () => {
    await page.waitForFunction(
      () => /slow-box \(model\) · \d+\.\d results\/s · \d+ ms old/.test(document.getElementById('results')!.textContent!),
      null,
      {
        timeout: 5000,
      },
    );
    assert.match((await page.textContent('#results'))!, /1 box/);
  });

  it('the panel shows each model: rate, age of its latest result, time a call', async () => {
    const panel = await browser.newPage();
    try {
      await panel.goto(server.panelUrl);
      await panel.waitForFunction(
        () => /results\/s · \d+ ms old · \d+ ms a call/.test(document.querySelector('.camera .results')?.textContent ?? ''),
        null,
        {
          timeout: 10_000,
        },
      );
    } finally {
      await panel.close();
    }
  });

  it('a recording writes the results beside the video, each at the time of its frame in the file', async () => {
    const { recording } = (await (await api(server, `/api/sessions/${session().id}/recording`, { method: 'POST' })).json()) as {
      recording: string;
    };
    await sleep(3000);
    await api(server, `/api/sessions/${session().id}/recording`, { method: 'DELETE' });
    const jsonl = recording.replace(/\.\w+$/, '.results.jsonl');
    cleanups.add(() => Promise.all([rm(recording, { force: true }), rm(jsonl, { force: true })]));
    await sleep(200);
    const lines = (await readFile(jsonl, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { t: number; id: string; results: { boxes: unknown[] } });
    assert.ok(lines.length >= 8, `a few a second for 3 s (${lines.length})`);
    const pts = execFileSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v',
      '-show_entries',
      'frame=pts_time',
      '-of',
      'csv=p=0',
      recording,
    ])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
    for (const { t, id, results } of lines) {
      assert.equal(id, 'py-slow-box');
      assert.equal(results.boxes.length, 1);
      assert.ok(
        pts.some((p) => Math.abs(p - t) < 0.0015),
        `t = ${t} is a frame of the video (${pts.slice(0, 5).join(', ')}, ...)`,
      );
    }
  });

  it("a mask's blur: the background's fine detail is gone, the foreground's is not", async () => {
    await page.evaluate(() => ((window as unknown as { fakeCamera: { scene: string } }).fakeCamera.scene = 'checker'));
    const halves = { left: { x0: 0.05, y0: 0.1, x1: 0.4, y1: 0.7 }, right: { x0: 0.6, y0: 0.1, x1: 0.95, y1: 0.7 } };
    const detail = async () => ({
      left: await regionDetail(page, halves.left),
      right: await regionDetail(page, halves.right),
      width: await page.evaluate(() => (document.getElementById('remote') as HTMLVideoElement).videoWidth),
    });
    await setTransform({ id: 'py-halves', params: { mask: 'off' } });
    await sleep(2500);
    const sharp = await detail();
    await setTransform({ id: 'py-halves', params: { mask: 'blur' } });
    // Until the picture has settled (a size change for the CPU passes through a keyframe or two).
    let blurred = await detail();
    for (const deadline = Date.now() + 8000; Date.now() < deadline && !(blurred.right < blurred.left / 3); await sleep(300))
      blurred = await detail();
    const seen = `mask off ${JSON.stringify(sharp)}, blur ${JSON.stringify(blurred)}`;
    // Compared within one picture: the size sent back may change in between (CpuScale).
    assert.ok(sharp.right > 4 && Math.abs(sharp.left - sharp.right) < sharp.left / 3, `both halves sharp with the mask off (${seen})`);
    assert.ok(blurred.right < blurred.left / 3, `the background (right) blurred, the foreground (left) not (${seen})`);
    assert.ok(blurred.left > sharp.left / 2, `the foreground keeps its detail (${seen})`);
    assert.deepEqual(session().errors, []);
  });
});
