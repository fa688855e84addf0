import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ModelFiles } from '../../../electron/core/models/model-files.js';
import { loadOpenCV, type OpenCV } from '../../../electron/core/transforms/opencv.js';
import { describeTransforms } from '../../../electron/core/transforms/registry.js';
import { MODEL_TASKS } from '../../../electron/core/transforms/types.js';
import { ModelBench } from '../../support/model-stage.js';

const MODELS = fileURLToPath(new URL('../../../../models/', import.meta.url));

/** A copy of models/ (the files kept here) in a folder of its own, to damage. */
function copyOfModels(): { root: string; manifest: string } {
  const root = mkdtempSync(join(tmpdir(), 'camloop-models-'));
  cpSync(MODELS, join(root, 'models'), { recursive: true });
  return { root, manifest: join(root, 'models', 'manifest.json') };
}

describe('model files: found through the manifest, checked by size and sha256', () => {
  let copy: { root: string; manifest: string };
  before(() => (copy = copyOfModels()));
  after(() => rmSync(copy.root, { recursive: true, force: true }));

  it("every file of every task is there and is the package's (the installed tree, as shipped)", async () => {
    const files = new ModelFiles();
    assert.deepEqual(Object.fromEntries(await files.check()), {});
    const all = await Promise.all(MODEL_TASKS.map((task) => files.list(task)));
    assert.ok(
      all.every((list) => list.some((f) => f.file.endsWith('.json')) && list.some((f) => f.file.endsWith('.bin'))),
      'a graph and its weights per task',
    );
  });

  it('a damaged file is an error on its task alone; a missing one too; the API marks that filter only', async () => {
    const nanodet = join(copy.root, 'models', 'objects', 'nanodet.bin');
    const bytes = readFileSync(nanodet);
    bytes[1000] ^= 0xff;
    writeFileSync(nanodet, bytes);
    rmSync(join(copy.root, 'models', 'segmentation', 'selfie.json'));
    const troubles = await new ModelFiles(copy.manifest).check();
    assert.deepEqual([...troubles.keys()].sort(), ['objects', 'segmentation']);
    assert.match(troubles.get('objects')!, /nanodet\.bin has sha256 [0-9a-f]{12}\.\.\., not the manifest's: reinstall CamLoop/);
    assert.match(troubles.get('segmentation')!, /cannot read .*selfie\.json \(ENOENT\)/);

    const listed = describeTransforms((t) => (t.detector?.runtime === 'model' ? troubles.get(t.detector.task) : undefined));
    const errors = Object.fromEntries(listed.filter((t) => t.error).map((t) => [t.id, t.error]));
    assert.deepEqual(Object.keys(errors).sort(), ['background', 'objects']);
    for (const id of ['face', 'pose', 'hands', 'faces', 'edges']) assert.ok(listed.some((t) => t.id === id && !t.error), id);
  });

  it('no manifest: every model task says so', async () => {
    const troubles = await new ModelFiles(join(copy.root, 'nowhere', 'manifest.json')).check();
    assert.equal(troubles.size, MODEL_TASKS.length);
    assert.match(troubles.get('face')!, /manifest .* cannot be read \(ENOENT\)/);
  });
});

describe('the model worker with a damaged model', () => {
  let cv: OpenCV;
  let copy: { root: string; manifest: string };
  let bench: ModelBench;
  before(async () => {
    ({ cv } = await loadOpenCV());
    copy = copyOfModels();
    const nanodet = join(copy.root, 'models', 'objects', 'nanodet.bin');
    writeFileSync(nanodet, readFileSync(nanodet).subarray(0, 5000));
    bench = new ModelBench(copy.manifest);
  });
  after(async () => {
    await bench.close();
    rmSync(copy.root, { recursive: true, force: true });
  });

  it("fails that filter with the reason, and the same worker runs the others", async () => {
    const objects = await bench.stage(cv, 'objects', 'objects');
    assert.equal(objects.runner.idle, false);
    assert.match(objects.runner.trouble ?? '', /the objects model cannot run: model objects: .*nanodet\.bin is 5000 bytes, the manifest says 7574558/);
    // The stage says so in the session's errors, once, and the frame goes on untouched.
    const image = new cv.Mat(240, 320, cv.CV_8UC4, new cv.Scalar(90, 90, 90, 255));
    objects.apply(image);
    objects.apply(image);
    assert.equal(objects.errors.length, 1);
    assert.match(objects.errors[0]!, /^"objects": the objects model cannot run/);
    assert.equal(image.data[0], 90);

    const pose = await bench.stage(cv, 'pose', 'pose');
    assert.equal(pose.runner.trouble, undefined);
    const event = await pose.detect(image);
    assert.deepEqual(event.results.count, 0, 'it ran: nobody on a grey picture');
    for (const stage of [objects, pose]) stage.dispose();
    image.delete();
  });
});

describe('the model worker stops', () => {
  it('its clients see it, ask for a new one after a backoff, and load their model again on it', async () => {
    const { cv } = await loadOpenCV();
    const bench = new ModelBench();
    try {
      const pose = await bench.stage(cv, 'pose', 'pose');
      assert.equal(pose.runner.idle, true);
      await bench.service.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(bench.link.connected, false);
      assert.equal(pose.runner.idle, false, 'nothing is handed to a worker that is gone');
      const deadline = Date.now() + 60_000;
      while (!pose.runner.idle && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const image = new cv.Mat(240, 320, cv.CV_8UC4, new cv.Scalar(90, 90, 90, 255));
      assert.equal((await pose.detect(image)).results.count, 0);
      image.delete();
      pose.dispose();
    } finally {
      await bench.close();
    }
  });
});
