import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../../electron/core/base/log.js';
import { fillGraph, filterNames, paramSets, parseGraphPlugin, readGraphPlugins } from '../../../electron/core/plugins/graph-plugins.js';
import { validateGraphPlugin } from '../../../electron/core/plugins/graph-validation.js';
import { PluginHost } from '../../../electron/core/plugins/plugin-host.js';
import { describeTransforms, findTransform, setPluginTransforms } from '../../../electron/core/transforms/registry.js';

after(() => setPluginTransforms([]));

const level = { name: 'level', label: 'Level', type: 'number', min: 0, max: 255, step: 1, default: 200 };
const spec = (graph: string, params: object[] = []) => JSON.stringify({ id: 'g', label: 'G', graph, params });

describe('a filter-graph plugin file', () => {
  it('is an id, a label, an FFmpeg graph and typed params put in place of {name}', () => {
    const parsed = parseGraphPlugin(spec('lutyuv=y={level}:u=128:v=128', [level]), '/x/g.graph.json');
    assert.deepEqual([parsed.id, parsed.workWidth], ['g', undefined]);
    assert.equal(fillGraph(parsed.graph, { level: 60 }), 'lutyuv=y=60:u=128:v=128');
    assert.equal(fillGraph('eq=gamma={on}', { on: true }), 'eq=gamma=1', 'booleans as 1 and 0');
    assert.equal(parseGraphPlugin(JSON.stringify({ id: 'a', label: 'A', graph: 'hflip', workWidth: 'any' }), 'f').workWidth, Infinity);
  });

  it('is refused, saying why, when its shape is wrong, a placeholder names no param, or it reads files', () => {
    const refused = (text: string) => assert.throws(() => parseGraphPlugin(text, 'f'));
    refused('{ not json');
    refused(JSON.stringify({ id: 'bad id!', label: 'x', graph: 'hflip' }));
    refused(JSON.stringify({ id: 'x', label: 'x' }));
    assert.throws(() => parseGraphPlugin(spec('hue=s={sat}'), 'f'), /uses \{sat\}, which is not one of its params/);
    assert.throws(() => parseGraphPlugin(spec('movie=/etc/passwd,hflip'), 'f'), /movie filter is not allowed/);
    assert.throws(() => parseGraphPlugin(spec("lut3d=file='/tmp/a.cube'"), 'f'), /name a file/);
    assert.throws(() => parseGraphPlugin(spec('hflip', [{ name: 'n', label: 'N', type: 'number', min: 5, max: 1 }]), 'f'), /min <= max/);
  });

  it("names its filters (labels, instance names, quoted and escaped commas aside) and is tried with each param's extremes", () => {
    assert.deepEqual(filterNames("[a]scale=w='if(a,b,c)':h=ih[b];[b]hue@x=s=0,blend=all_expr=A\\,B"), ['scale', 'hue', 'blend']);
    const sets = paramSets([level as never, { name: 'on', label: 'On', type: 'boolean', default: false }]);
    assert.deepEqual(sets, [
      { level: 200, on: false },
      { level: 0, on: false },
      { level: 255, on: false },
      { level: 200, on: true },
    ]);
  });
});

describe('graph plugins are built when they load', () => {
  const load = (text: string) => validateGraphPlugin(parseGraphPlugin(text, 'f'));

  it('a graph FFmpeg takes passes', () => load(spec('hue=s=0,lutyuv=y={level}', [level])));

  it("a misspelt filter, an unknown option, or a param's extreme FFmpeg refuses is an error, in FFmpeg's words", async () => {
    await assert.rejects(load(spec('hue=s=0,edgdetect=low=0.1')), /FFmpeg has no filter named "edgdetect"/);
    await assert.rejects(load(spec('hue=q=1')), /FFmpeg refused the graph: .*'q'.*Option not found/);
    const low = { name: 'low', label: 'Low', type: 'number', min: 0, max: 5, step: 0.1, default: 0.1 };
    await assert.rejects(load(spec('edgedetect=low={low}', [low])), /with \{"low":5\}: Value 5\.0+ for parameter 'low' out of range/);
  });
});

describe('PluginHost and graph plugins', () => {
  it('lists the ones that build, reports the others by file, and reloads when a file changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camloop-graphs-'));
    const host = new PluginHost(dir, silentLogger);
    try {
      await writeFile(
        join(dir, 'flat.graph.json'),
        JSON.stringify({ id: 'flat', label: 'Flat', graph: 'lutyuv=y={level}', params: [level] }),
      );
      await writeFile(join(dir, 'typo.graph.json'), JSON.stringify({ id: 'typo', label: 'Typo', graph: 'hflop' }));
      await host.start();
      assert.deepEqual(
        host.errors.map((e) => [e.file, e.message]),
        [['typo.graph.json', '"typo": FFmpeg has no filter named "hflop"']],
      );
      assert.ok(describeTransforms().some((t) => t.id === 'flat' && t.plugin));
      assert.deepEqual(
        host.forWorker.graphs.map((g) => g.id),
        ['flat'],
      );
      assert.equal(findTransform('flat')!.native!({ level: 30 }, { width: 64, height: 48 }).graph, 'lutyuv=y=30');

      const changed = new Promise<void>((resolve) => host.onChange(resolve));
      await writeFile(join(dir, 'typo.graph.json'), JSON.stringify({ id: 'typo', label: 'Typo', graph: 'hflip' }));
      await changed;
      assert.deepEqual(host.errors, []);
      assert.deepEqual(host.forWorker.graphs.map((g) => g.id).sort(), ['flat', 'typo']);
      assert.deepEqual((await readGraphPlugins(dir)).errors, []);
    } finally {
      host.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
