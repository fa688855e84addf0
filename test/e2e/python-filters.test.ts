import assert from 'node:assert/strict';
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CamLoopServer } from '../../electron/core/http/server.js';
import type { SessionInfo } from '../../electron/core/session/session-info.js';
import { invertedThumb, openCameraPage, sampleUntil, thumbDifference, waitForFrames } from '../support/browser.js';
import type { FrameSample } from '../support/frame-probe.js';
import { PYTHON, pyFilter, pythonPluginDir } from '../support/python-plugins.js';
import { api, startTestServer } from '../support/server.js';
import { useServerAndBrowser } from '../support/fixture.js';

const paint = (value: string) => pyFilter('py-paint', `image[:] = ${value}\nreturn image, {'painted': int(image[0, 0, 0])}`);
const FILES = {
  'invert.py': pyFilter('py-invert', 'return cv2.bitwise_not(image)', 'import cv2'),
  'paint.py': paint("params['k']"),
  'raises.py': pyFilter('py-raises', "raise KeyError('no such landmark')"),
  'hangs.py': pyFilter('py-hangs', 'time.sleep(3600)'),
  'broken.py': "ID = 'py-broken'\ndef apply(image, params)\n    return image\n",
};

let dir: string;
let server: CamLoopServer;
let browser: Browser;
const cleanups = useServerAndBrowser(
  async () => {
    dir = await pythonPluginDir(FILES);
    cleanups.add(() => rm(dir, { recursive: true, force: true }));
    await copyFile(new URL('../../../plugins/examples/canny_edges.py', import.meta.url), join(dir, 'canny_edges.py'));
    return { pluginsDir: dir, python: PYTHON };
  },
  (s, b) => void ([server, browser] = [s, b]),
);

const session = (): SessionInfo => server.sessions.list()[0].info();
const setTransform = (body: unknown) =>
  api(server, `/api/sessions/${session().id}/transform`, { method: 'PUT', body: JSON.stringify(body) });

async function withCamera(transform: string, run: (page: Page) => Promise<void>): Promise<void> {
  const page = await openCameraPage(browser, server.url, { transform });
  try {
    await waitForFrames(page, 10);
    await run(page);
  } finally {
    await page.close();
    await server.sessions.closeAll();
  }
}

describe('Python filters (Debian python3-opencv)', { timeout: 120_000 }, () => {
  it("are listed beside the built-ins; a file with a syntax error is reported with Python's words", async () => {
    const transforms = (await (await fetch(`${server.url}/api/transforms`)).json()) as {
      id: string;
      plugin: boolean;
      params: { name: string }[];
    }[];
    for (const id of ['py-invert', 'py-paint', 'py-canny'])
      assert.ok(
        transforms.some((t) => t.id === id && t.plugin),
        `${id} listed`,
      );
    assert.deepEqual(
      transforms.find((t) => t.id === 'py-canny')?.params.map((p) => p.name),
      ['low', 'high'],
    );
    const { errors } = (await (await api(server, '/api/plugins')).json()) as { errors: { file: string; message: string }[] };
    assert.deepEqual(
      errors.map((e) => e.file),
      ['broken.py'],
    );
    assert.match(errors[0].message, /SyntaxError/);
  });

  it('cv2.bitwise_not in Python: the phone gets back its own picture inverted', () =>
    withCamera('py-invert', async (page) => {
      const [out, source] = await sampleUntil(page, (o, s) => thumbDifference(o, invertedThumb(s)) < 12, 5000);
      assert.ok(
        thumbDifference(out, invertedThumb(source)) < 12,
        `255 - what was sent (mean difference ${thumbDifference(out, invertedThumb(source)).toFixed(1)}; to the source itself ${thumbDifference(out, source).toFixed(1)})`,
      );
      assert.equal(out.width, 640);
      assert.deepEqual(session().errors, []);
    }));

  it('the example cv2.Canny filter draws edges', () =>
    withCamera('py-canny', async (page) => {
      const [out] = await sampleUntil(page, (o) => o.meanLuma < 40 && o.bright > 0.002, 5000);
      assert.ok(
        out.meanLuma < 40 && out.bright > 0.002 && out.bright < 0.2,
        `dark with bright lines (mean ${out.meanLuma.toFixed(1)}, bright ${(out.bright * 100).toFixed(2)} %)`,
      );
    }));

  it('params change live, results reach the API, and an edited file is re-imported', () =>
    withCamera('py-paint', async (page) => {
      const grey = (level: number) => (o: FrameSample) => Math.abs(o.meanLuma - level) < 12;
      assert.ok(grey(10)((await sampleUntil(page, grey(10), 5000))[0]), 'painted with the default k = 10');
      assert.equal((await setTransform({ id: 'py-paint', params: { k: 200 } })).status, 200);
      const [bright] = await sampleUntil(page, grey(200), 5000);
      assert.ok(grey(200)(bright), `k = 200 shows (mean ${bright.meanLuma.toFixed(0)})`);
      assert.deepEqual(session().results['py-paint'], { painted: 200 });

      await writeFile(join(dir, 'paint.py'), paint('255 - params["k"]'));
      const [edited] = await sampleUntil(page, grey(55), 8000);
      assert.ok(grey(55)(edited), `the edited code runs (mean ${edited.meanLuma.toFixed(0)})`);
      await writeFile(join(dir, 'paint.py'), paint("params['k']"));
    }));

  it('chain with built-ins: edges then a Python invert gives dark lines on white', () =>
    withCamera('edges', async (page) => {
      assert.equal((await setTransform([{ id: 'edges' }, { id: 'py-invert' }])).status, 200);
      const [out] = await sampleUntil(page, (o) => o.meanLuma > 215, 5000);
      assert.ok(
        out.meanLuma > 215 && out.dark > 0.002,
        `white with dark lines (mean ${out.meanLuma.toFixed(1)}, dark ${(out.dark * 100).toFixed(2)} %)`,
      );
    }));

  it('a filter that raises: its traceback is in the errors, the picture passes through, the video goes on', () =>
    withCamera('py-raises', async (page) => {
      await waitForFrames(page, 30);
      const [out, source] = await sampleUntil(page, (o, s) => thumbDifference(o, s) < 12, 5000);
      assert.ok(thumbDifference(out, source) < 12, 'the untouched picture');
      const errors = session().errors.join('\n');
      assert.match(errors, /"py-raises" threw: KeyError: 'no such landmark'/);
      assert.match(errors, /raises\.py", line \d+, in apply/);
      assert.equal(session().errors.length, 1, 'reported once, not per frame');
      assert.equal(session().connectionState, 'connected');
    }));

  it('a filter that hangs is killed after 3 s and restarted; the video comes back unfiltered meanwhile', () =>
    withCamera('none', async (page) => {
      assert.equal((await setTransform('py-hangs')).status, 200);
      const deadline = Date.now() + 25_000;
      while (!/took more than 3 s/.test(session().errors.join('\n')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.match(session().errors.join('\n'), /"py-hangs" threw: apply\(\) took more than 3 s on one frame; restarting in 0.5 s/);
      await waitForFrames(page, 10, '#remote', 10_000);
      assert.equal(session().connectionState, 'connected');
    }));
});

describe('Python filters without Python', () => {
  it('every .py file is listed with the reason; the built-ins work as before', async () => {
    const lonely = await startTestServer({ pluginsDir: dir, python: '/nonexistent/python3' });
    try {
      const { errors } = (await (await api(lonely, '/api/plugins')).json()) as { errors: { file: string; message: string }[] };
      assert.equal(errors.length, Object.keys(FILES).length + 1);
      for (const error of errors) assert.match(error.message, /cannot run Python "\/nonexistent\/python3": not found/);
    } finally {
      await lonely.close();
    }
  });
});
