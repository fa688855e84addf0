import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describePythonPlugins } from '../../../electron/core/python/describe.js';
import { PythonFilter, type PythonPluginInfo } from '../../../electron/core/python/python-filter.js';
import { PYTHON, pyFilter, pythonPluginDir, pythonWithoutNumpy } from '../../support/python-plugins.js';

const FILES = {
  'add.py': pyFilter('add', "image += params['k']\nreturn image, {'seen': int(image[0, 0, 0])}"),
  'chatty.py': pyFilter('chatty', "print('a line from apply', flush=True)\nsys.stdout.write('no newline ')\nreturn 255 - image"),
  'raises.py': pyFilter('raises', "if params['k'] == 1:\n    raise ValueError('k must not be 1')\nreturn image"),
  'hangs.py': pyFilter('hangs', "if params['k'] == 1:\n    time.sleep(600)\nreturn image"),
  'dies.py': pyFilter('dies', "if params['k'] == 1:\n    os._exit(3)\nreturn image"),
  'grey.py': pyFilter('grey', 'return image[:, :, 1].copy()'),
  'wrong.py': pyFilter('wrong', 'return image[:2]'),
  'broken.py': "ID = 'broken'\ndef apply(image, params):\n    return image +\n",
  'noid.py': 'def apply(image, params):\n    return image\n',
};

let dir: string;
before(async () => (dir = await pythonPluginDir(FILES)));
after(() => rm(dir, { recursive: true, force: true }));

const W = 8;
const H = 6;
const info = (id: string, python = PYTHON): PythonPluginInfo => ({ id, label: id, params: [], file: join(dir, `${id}.py`), python });
const frame = (value: number) => ({ image: { data: new Uint8Array(W * H * 3).fill(value) }, width: W, height: H, time: 0 });

/** A filter whose process is ready (frames before that pass through untouched). */
async function readyFilter(id: string, options: Partial<ConstructorParameters<typeof PythonFilter>[1]> = {}, python = PYTHON) {
  const output: string[] = [];
  const filter = new PythonFilter(info(id, python), { onOutput: (_id, line) => output.push(line), ...options });
  const f = frame(1);
  assert.equal(filter.apply(f, { k: 0 }), undefined, 'a frame before the process is ready passes through at once');
  for (let i = 0; i < 100 && (await applyOnce(filter, frame(1), { k: 0 })).passedThrough; i++) await sleep(50);
  return { filter, output };
}

/** Applies once; says whether the frame went to Python or passed through (not ready / restarting). */
async function applyOnce(filter: PythonFilter, f: ReturnType<typeof frame>, params: Record<string, unknown>) {
  try {
    const outcome = filter.apply(f, params);
    return { passedThrough: outcome === undefined, results: await outcome, error: undefined as string | undefined };
  } catch (error) {
    return { passedThrough: true, results: undefined, error: (error as Error).message };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a Python filter process', { timeout: 60_000 }, () => {
  it('gets BGR pixels and params, and its image and results come back', async () => {
    const { filter } = await readyFilter('add');
    const f = frame(100);
    const results = await filter.apply(f, { k: 5 });
    assert.deepEqual(results, { seen: 105 });
    assert.ok(
      f.image.data.every((v) => v === 105),
      'every byte moved by k',
    );
    filter.dispose();
  });

  it('prints go to the log, not into the frame', async () => {
    const { filter, output } = await readyFilter('chatty');
    const f = frame(10);
    await filter.apply(f, {});
    assert.ok(f.image.data.every((v) => v === 245));
    for (let i = 0; i < 40 && !output.includes('a line from apply'); i++) await sleep(25);
    assert.ok(output.includes('a line from apply'), JSON.stringify(output));
    filter.dispose();
  });

  it('a grey answer (HxW) is shown as grey; a wrong size is an error and the frame passes through', async () => {
    const grey = (await readyFilter('grey')).filter;
    const f = frame(0);
    f.image.data.forEach((_, i) => (f.image.data[i] = i % 3)); // B=0 G=1 R=2
    await grey.apply(f, {});
    assert.ok(
      f.image.data.every((v) => v === 1),
      'the G channel in all three',
    );
    grey.dispose();
    const wrong = (await readyFilter('wrong')).filter;
    const g = frame(9);
    await assert.rejects(Promise.resolve(wrong.apply(g, {})), /shape \(2, 8, 3\): expected \(6, 8, 3\)/);
    assert.ok(
      g.image.data.every((v) => v === 9),
      'untouched',
    );
    wrong.dispose();
  });

  it('an exception is reported with its traceback, the frame passes through, the next frame is filtered', async () => {
    const { filter } = await readyFilter('raises');
    const f = frame(7);
    await assert.rejects(
      Promise.resolve(filter.apply(f, { k: 1 })),
      (error: Error) => /ValueError: k must not be 1/.test(error.message) && /raises\.py", line \d+, in apply/.test(error.message),
    );
    assert.ok(f.image.data.every((v) => v === 7));
    assert.ok((await applyOnce(filter, frame(7), { k: 0 })).error === undefined, 'the same process goes on');
    filter.dispose();
  });

  it('a hang is killed after hangMs and the process restarts with backoff; frames pass through meanwhile', async () => {
    const { filter } = await readyFilter('hangs', { hangMs: 400 });
    const started = Date.now();
    await assert.rejects(Promise.resolve(filter.apply(frame(3), { k: 1 })), /took more than 0.4 s on one frame; restarting in 0.5 s/);
    assert.ok(Date.now() - started < 2000);
    const meanwhile = await applyOnce(filter, frame(3), { k: 0 });
    assert.ok(meanwhile.passedThrough && /restarting/.test(meanwhile.error ?? ''), 'says why while it restarts');
    let back = false;
    for (let i = 0; i < 60 && !back; i++) {
      await sleep(50);
      back = !(await applyOnce(filter, frame(3), { k: 0 })).passedThrough;
    }
    assert.ok(back, 'filtering again after the restart');
    filter.dispose();
  });

  it('a process that dies says how, and comes back', async () => {
    const { filter } = await readyFilter('dies');
    await assert.rejects(Promise.resolve(filter.apply(frame(3), { k: 1 })), /exited with code 3; restarting/);
    let back = false;
    for (let i = 0; i < 60 && !back; i++) {
      await sleep(50);
      back = !(await applyOnce(filter, frame(3), { k: 0 })).passedThrough;
    }
    assert.ok(back);
    filter.dispose();
  });

  it('a missing interpreter and a syntax error are said plainly, and never throw out of apply as a crash of ours', async () => {
    const missing = new PythonFilter(info('add', '/nonexistent/python3'), { onOutput: () => {} });
    await sleep(100);
    assert.match((await applyOnce(missing, frame(1), {})).error ?? '', /cannot run Python "\/nonexistent\/python3": not found/);
    missing.dispose();
    const broken = new PythonFilter(info('broken'), { onOutput: () => {} });
    let error = '';
    for (let i = 0; i < 40 && !error; i++) {
      await sleep(50);
      error = (await applyOnce(broken, frame(1), {})).error ?? '';
    }
    assert.match(error, /SyntaxError/);
    broken.dispose();
  });
});

describe('describing the .py files of a plugins folder', { timeout: 60_000 }, () => {
  it("lists each filter with its params, and each file that cannot be one with Python's reason", async () => {
    const { plugins, errors } = await describePythonPlugins(dir, PYTHON);
    assert.deepEqual(plugins.map((p) => p.id).sort(), ['add', 'chatty', 'dies', 'grey', 'hangs', 'raises', 'wrong']);
    assert.deepEqual(plugins.find((p) => p.id === 'add')?.params, [
      { name: 'k', label: 'K', type: 'number', min: 0, max: 255, step: 1, default: 10 },
    ]);
    const reasons = Object.fromEntries(errors.map((e) => [e.file, e.message]));
    assert.deepEqual(Object.keys(reasons).sort(), ['broken.py', 'noid.py']);
    assert.match(reasons['broken.py'], /SyntaxError/);
    assert.match(reasons['noid.py'], /defines no ID/);
  });

  it('without numpy, or without Python, every file says so', async () => {
    const withoutNumpy = await describePythonPlugins(dir, await pythonWithoutNumpy(dir));
    assert.equal(withoutNumpy.plugins.length, 0);
    assert.match(withoutNumpy.errors.find((e) => e.file === 'add.py')?.message ?? '', /numpy is not installed for .*pip install numpy/);
    const noPython = await describePythonPlugins(dir, '/nonexistent/python3');
    assert.match(noPython.errors[0].message, /cannot run Python "\/nonexistent\/python3": not found/);
  });
});
