import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CORE = 'electron/core';

/** Source files under `dir`, relative to the root, with forward slashes. */
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = posix.join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) sources(path, out);
    else if (/\.(ts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');
/** Every module a file names (static, type-only and dynamic imports, re-exports). */
const imports = (file: string) => [...text(file).matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
/** The files of this tree a file imports (a .js specifier names the .ts source). */
const localImports = (file: string) =>
  imports(file)
    .filter((i) => i.startsWith('.'))
    .map((i) => posix.join(posix.dirname(file), i).replace(/\.js$/, '.ts'));
/** The core folder a file is in ('' for electron/core/main.ts). */
const folderOf = (file: string) => posix.dirname(posix.relative(CORE, file)).split('/')[0]!.replace(/^\.$/, '');

function cycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const found: string[] = [];
  const visit = (node: string, path: string[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') return void found.push([...path.slice(path.indexOf(node)), node].join(' -> '));
    state.set(node, 'visiting');
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  return found;
}

describe('the house (docs/architecture.md)', () => {
  const core = sources(CORE).filter((f) => f.endsWith('.ts'));

  it('electron/core never imports electron (it runs headless in plain Node)', () => {
    assert.deepEqual(
      core.filter((file) => imports(file).includes('electron')),
      [],
    );
  });

  it('pages never import the core (they talk to it over HTTP); its types come through one type-only file', () => {
    const bridge = 'renderer/shared/api-types.d.ts';
    const pages = sources('renderer').filter((f) => f !== bridge);
    assert.deepEqual(
      pages.filter((file) => imports(file).some((i) => i.includes('electron/'))),
      [],
    );
    const lines = text(bridge)
      .split('\n')
      .filter((line) => /from\s+['"]/.test(line));
    assert.ok(lines.length > 0 && lines.every((line) => line.startsWith('export type {')), `${bridge} re-exports types only`);
  });

  it('no import cycle between files of electron/ (type-only imports count: they tie modules together as much)', () => {
    const files = sources('electron').filter((f) => f.endsWith('.ts'));
    assert.deepEqual(cycles(new Map(files.map((file) => [file, localImports(file)]))), []);
  });

  it('each core folder imports only the folders below it, in the order eslint.config.js gives (so no folder cycle either)', async () => {
    const { FLOORS } = (await import(pathToFileURL(join(ROOT, 'eslint.config.js')).href)) as { FLOORS: string[] };
    const folders = new Set(core.map(folderOf).filter(Boolean));
    assert.deepEqual(
      [...folders].filter((f) => !FLOORS.includes(f)),
      [],
      'every folder has a floor',
    );
    const upward = core.flatMap((file) =>
      localImports(file)
        .filter((target) => target.startsWith(`${CORE}/`))
        .filter((target) => {
          const [from, to] = [folderOf(file), folderOf(target)];
          return from && to && from !== to && FLOORS.indexOf(to) < FLOORS.indexOf(from);
        })
        .map((target) => `${file} -> ${target}`),
    );
    assert.deepEqual(upward, []);
  });

  it('no file under electron/ is over 250 lines (split it by job)', () => {
    const long = sources('electron')
      .map((file) => ({ file, lines: text(file).split('\n').length }))
      .filter(({ lines }) => lines > 250);
    assert.deepEqual(long, []);
  });

  it("only webrtc/werift-internals.ts reaches past werift's public API (casts through unknown)", () => {
    const offenders = core.filter((file) => !file.endsWith('werift-internals.ts') && text(file).includes('as unknown as'));
    assert.deepEqual(offenders, []);
  });

  it("the codec worker loads neither werift nor the main thread's modules (it starts for every camera)", () => {
    const reached = new Set<string>();
    const walk = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      // Type-only imports are erased: they cost the worker nothing.
      const runtime = [...text(file).matchAll(/^import\s+(?!type\b)[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
      for (const specifier of runtime)
        if (specifier.startsWith('.')) walk(posix.join(posix.dirname(file), specifier).replace(/\.js$/, '.ts'));
        else reached.add(specifier);
    };
    walk(`${CORE}/worker/codec-worker.ts`);
    const mainThread = ['http', 'session', 'video', 'send', 'receive', 'webrtc', 'app'];
    assert.deepEqual(
      [...reached].filter((r) => r === 'werift' || mainThread.includes(folderOf(r))),
      [],
    );
  });
});
