import assert from 'node:assert/strict';
import { useServerAndBrowser } from '../support/fixture.js';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type CamLoopServer } from '../../electron/core/http/server.js';
import { api } from '../support/server.js';
import { invertedThumb, openCameraPage, sample, sampleUntil, thumbDifference, waitForFrames } from '../support/browser.js';
import type { FrameSample } from '../support/frame-probe.js';

/** A plugin that paints the whole picture one colour. */
const paint = (rgb: [number, number, number]) => `export default {
  id: 'paint', label: 'Paint', params: [],
  create(cv) {
    return { apply(frame) { frame.image.setTo(new cv.Scalar(${rgb.join(', ')}, 255)); return { painted: ${JSON.stringify(rgb)} }; }, dispose() {} };
  },
};
`;
/** A plugin slower than the camera: 80 ms of busy work per frame (at most ~12 fps). */
const slow = `export default { id: 'slow', label: 'Slow', params: [], create() { return { apply() { const end = performance.now() + 80; while (performance.now() < end); }, dispose() {} }; } };\n`;
/** A plugin that means the same at any size (workWidth), slower than the camera at 640x480: 60 ms of work there, less when smaller. */
const heavy = `export default { id: 'heavy', label: 'Heavy', params: [], workWidth: Infinity, create() { return { apply(frame) { const end = performance.now() + (60 * frame.width * frame.height) / (640 * 480); while (performance.now() < end); }, dispose() {} }; } };\n`;
/** A filter graph that makes the picture one grey (luma `level`), and one with a misspelt filter. */
const flat = JSON.stringify({
  id: 'flat',
  label: 'Flat',
  graph: 'lutyuv=y={level}:u=128:v=128',
  params: [{ name: 'level', label: 'Level', type: 'number', min: 16, max: 235, step: 1, default: 200 }],
});
const typo = JSON.stringify({ id: 'typo', label: 'Typo', graph: 'hue=s=0,edgdetect' });
/** Refuses every frame from 1 s of stream time on (a width of NaN). */
const late = JSON.stringify({ id: 'late', label: 'Late', graph: "scale=w='if(gte(t\\,1)\\,0/0\\,iw)':h=ih:eval=frame,negate" });
const throwing = `export default { id: 'explodes', label: 'Explodes', params: [], create() { return { apply() { throw new Error('kaboom'); }, dispose() {} }; } };\n`;

let dir: string;
let server: CamLoopServer;
let browser: Browser;
const cleanups = useServerAndBrowser(
  async () => {
    dir = await mkdtemp(join(tmpdir(), 'camloop-plugins-'));
    cleanups.add(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'paint.mjs'), paint([255, 0, 0]));
    await writeFile(join(dir, 'explodes.mjs'), throwing);
    await writeFile(join(dir, 'slow.mjs'), slow);
    await writeFile(join(dir, 'heavy.mjs'), heavy);
    await writeFile(join(dir, 'broken.mjs'), 'export default { this is not javascript');
    await writeFile(join(dir, 'flat.graph.json'), flat);
    await writeFile(join(dir, 'typo.graph.json'), typo);
    await copyFile(new URL('../../../plugins/examples/bright-spots.mjs', import.meta.url), join(dir, 'bright-spots.mjs'));
    return { pluginsDir: dir };
  },
  (s, b) => void ([server, browser] = [s, b]),
);

const reddish = (s: FrameSample) => s.meanLuma > 60 && s.meanLuma < 100; // pure red: luma ~76
/** The returned video sampled until `test` holds (or the time is up): the last sample. */
async function waitForSample(page: Page, test: (s: FrameSample) => boolean, timeoutMs: number): Promise<FrameSample> {
  return (await sampleUntil(page, (out) => test(out), timeoutMs))[0];
}

describe('user plugins', () => {
  it('are listed next to the built-ins; a file that does not load is reported, not fatal', async () => {
    const transforms = (await (await fetch(`${server.url}/api/transforms`)).json()) as { id: string; plugin: boolean }[];
    assert.ok(transforms.some((t) => t.id === 'paint' && t.plugin));
    assert.ok(transforms.some((t) => t.id === 'edges' && !t.plugin));
    assert.ok(
      transforms.some((t) => t.id === 'flat' && t.plugin),
      'a filter graph',
    );
    const { errors } = (await (await api(server, `/api/plugins`)).json()) as { errors: { file: string; message: string }[] };
    assert.deepEqual(
      errors.map((e) => e.file),
      ['broken.mjs', 'typo.graph.json'],
    );
    assert.equal(errors[1].message, '"typo": FFmpeg has no filter named "edgdetect"', 'a bad graph is an error when it loads');
  });

  it('run in the pipeline, and an edited file is picked up live (hot reload)', async () => {
    const page = await openCameraPage(browser, server.url, { transform: 'paint' });
    try {
      await waitForFrames(page, 20);
      const red = await waitForSample(page, reddish, 3000);
      assert.ok(reddish(red), `painted red (luma ${red.meanLuma.toFixed(0)})`);
      assert.deepEqual(server.sessions.list()[0].info().results, { paint: { painted: [255, 0, 0] } });

      await writeFile(join(dir, 'paint.mjs'), paint([255, 255, 255]));
      const white = await waitForSample(page, (s) => s.meanLuma > 230, 5000);
      assert.ok(white.meanLuma > 230, `repainted white after the edit (luma ${white.meanLuma.toFixed(0)})`);
    } finally {
      await page.close();
      await server.sessions.closeAll();
    }
  });

  it('a filter graph runs with its params; one FFmpeg refuses at run time passes frames through, with the error in the session', async () => {
    const page = await openCameraPage(browser, server.url, { transform: 'flat' });
    try {
      await waitForFrames(page, 10);
      const grey = (luma: number) => (s: FrameSample) =>
        Math.abs(s.meanLuma - luma) < 12 && Math.max(...s.thumb) - Math.min(...s.thumb) < 16;
      // Y 200 in video range is RGB ~214; Y 60 is ~51.
      assert.ok(grey(214)(await waitForSample(page, grey(214), 3000)), 'one grey at the default level');
      const [session] = server.sessions.list();
      const put = (chain: object) => api(server, `/api/sessions/${session.id}/transform`, { method: 'PUT', body: JSON.stringify(chain) });
      assert.equal((await put([{ id: 'flat', params: { level: 60 } }])).status, 200);
      assert.ok(grey(51)(await waitForSample(page, grey(51), 3000)), 'its param reaches the graph');

      await writeFile(join(dir, 'late.graph.json'), late);
      const listed = async () =>
        ((await (await fetch(`${server.url}/api/transforms`)).json()) as { id: string }[]).some((t) => t.id === 'late');
      for (let i = 0; i < 50 && !(await listed()); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal((await put([{ id: 'late' }])).status, 200);
      await waitForFrames(page, 30);
      assert.deepEqual(session.info().errors, [`"late" rejected a frame: filtering a frame: Invalid argument; frames pass through it`]);
      const [out, source] = await Promise.all([sample(page), sample(page, '#local')]);
      assert.ok(thumbDifference(out, source) < 12, `the untouched picture comes back (${thumbDifference(out, source).toFixed(1)})`);
      assert.equal(session.info().connectionState, 'connected');
    } finally {
      await page.close();
      await server.sessions.closeAll();
    }
  });

  it('a plugin that throws is reported once; the frame passes through it, and the session and its video live on', async () => {
    const page = await openCameraPage(browser, server.url, { transform: 'edges' });
    try {
      await waitForFrames(page, 10);
      const [session] = server.sessions.list();
      // Alone in the chain: once, that stopped the video for good (the chain counted as "identity").
      const put = await api(server, `/api/sessions/${session.id}/transform`, { method: 'PUT', body: JSON.stringify([{ id: 'explodes' }]) });
      assert.equal(put.status, 200);
      await waitForFrames(page, 30);
      const info = session.info();
      assert.deepEqual(info.errors, ['"explodes" threw: kaboom; the frame passes through it'], 'reported once, not per frame');
      assert.equal(info.connectionState, 'connected');
      const [out, source] = await Promise.all([sample(page), sample(page, '#local')]);
      assert.ok(
        thumbDifference(out, source) < 12,
        `the untouched picture comes back (difference ${thumbDifference(out, source).toFixed(1)})`,
      );

      await api(server, `/api/sessions/${session.id}/transform`, {
        method: 'PUT',
        body: JSON.stringify([{ id: 'explodes' }, { id: 'invert' }]),
      });
      const [after, sent] = await sampleUntil(page, (o, s) => thumbDifference(o, invertedThumb(s)) < 12, 5000);
      const difference = thumbDifference(after, invertedThumb(sent));
      assert.ok(
        difference < 12,
        `the rest of the chain (invert) still runs on the real picture (difference to the inverted source ${difference.toFixed(1)})`,
      );
    } finally {
      await page.close();
      await server.sessions.closeAll();
    }
  });

  it('with a filter slower than the camera, the phone lowers its frame rate to what the server processes, and restores it for a fast one', async () => {
    const page = await openCameraPage(browser, server.url, { transform: 'slow' });
    const maxFramerate = () =>
      page.evaluate(
        () =>
          (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.at(-1)!.getSenders()[0].getParameters()
            .encodings[0]?.maxFramerate ?? null,
      );
    let fps: number | null = null;
    for (let i = 0; i < 30 && (fps === null || fps > 20); i++) {
      await new Promise((r) => setTimeout(r, 500));
      fps = await maxFramerate();
    }
    assert.ok(fps !== null && fps <= 20, `the camera's frame rate was lowered to ${fps}`);
    await waitForFrames(page, 10);
    await page.selectOption('#transform', 'none');
    assert.equal(await maxFramerate(), null, 'a new filter starts again at the full frame rate');
    await page.close();
    await server.sessions.closeAll();
  });

  it('a filter that means the same at any size and is slower than the camera runs smaller, at the camera frame rate', async () => {
    const page = await openCameraPage(browser, server.url, { transform: 'heavy' });
    try {
      const stats = () => server.sessions.list()[0]?.info().stats;
      for (let i = 0; i < 60 && stats()?.scaledFor !== 'cpu'; i++) await new Promise((r) => setTimeout(r, 250));
      assert.equal(stats()?.scaledFor, 'cpu', `scaled for the worker's load (sent ${stats()?.sentWidth}x${stats()?.sentHeight})`);
      await new Promise((r) => setTimeout(r, 2000));
      const before = stats()!.framesOut;
      await new Promise((r) => setTimeout(r, 3000));
      const s = stats()!;
      const fps = (s.framesOut - before) / 3;
      assert.ok(
        s.sentWidth < s.width && s.sentWidth / s.sentHeight === s.width / s.height,
        `sent at ${s.sentWidth}x${s.sentHeight} of ${s.width}x${s.height}`,
      );
      assert.deepEqual([s.workWidth, s.workHeight], [s.sentWidth, s.sentHeight], 'the plugin ran at the size sent');
      // Unscaled it managed ~15 fps (60 ms a frame); smaller, the camera's rate.
      assert.ok(fps >= 24, `${fps.toFixed(1)} fps processed at ${s.sentWidth}x${s.sentHeight}`);
      const shown = await page.evaluate(() => (document.querySelector('#remote') as HTMLVideoElement).videoWidth);
      assert.equal(shown, stats()!.sentWidth, 'the phone receives the smaller picture');
    } finally {
      await page.close();
      await server.sessions.closeAll();
    }
  });

  it('the example bright-spots plugin reports what it finds', async () => {
    const page = await openCameraPage(browser, server.url, { transform: 'bright-spots' });
    try {
      await waitForFrames(page, 30);
      const results = server.sessions.list()[0].info().results['bright-spots'] as { count: number };
      assert.ok(results.count >= 1, `the white square is a bright spot (${JSON.stringify(results)})`);
    } finally {
      await page.close();
      await server.sessions.closeAll();
    }
  });
});

describe('transform API validation', () => {
  it('rejects unknown params, out-of-range values and too-long chains with 400', async () => {
    const page = await openCameraPage(browser, server.url, { transform: 'none' });
    try {
      const [session] = server.sessions.list();
      const put = async (body: unknown) => {
        const r = await api(server, `/api/sessions/${session.id}/transform`, { method: 'PUT', body: JSON.stringify(body) });
        return { status: r.status, error: ((await r.json()) as { error?: string }).error };
      };
      assert.deepEqual(await put({ id: 'edges', params: { low: -5 } }), {
        status: 400,
        error: 'param "low" of "edges" must be between 0 and 500',
      });
      assert.deepEqual(await put({ id: 'edges', params: { colour: 1 } }), { status: 400, error: '"edges" has no param "colour"' });
      assert.deepEqual(await put({ id: 'mirror', params: { axis: 'diagonal' } }), {
        status: 400,
        error: 'param "axis" of "mirror" must be one of horizontal, vertical, both',
      });
      assert.equal((await put(Array(9).fill('invert'))).status, 400);
      assert.equal((await put({ chain: [{ id: 'mirror' }, { id: 'edges', params: { low: 50, high: 150 } }] })).status, 200);
      assert.deepEqual(
        session.info().transform.map((c) => c.id),
        ['mirror', 'edges'],
      );
    } finally {
      await page.close();
      await server.sessions.closeAll();
    }
  });
});
