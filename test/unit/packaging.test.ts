import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { minimatch } from 'minimatch';

const ROOT = new URL('../../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const NATIVE = /\.(node|so(\.\d+)*|dylib|dll|exe)$/;

/** Files under `dir`, relative to the package root. */
function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(relative(ROOT, path));
  }
  return out;
}

describe('dependencies', () => {
  // Our code reaches into werift's internals (receiverTWCC, dtlsTransport.sendRtp, replaceRTP, the
  // SRTCP session): an upgrade must be a deliberate change of this line, not whatever ^ allows.
  it('werift is pinned to the exact version installed', () => {
    const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules/werift/package.json'), 'utf8')).version;
    assert.equal(pkg.dependencies.werift, installed);
  });
});

describe('packaging (electron-builder)', () => {
  it("the configuration passes electron-builder's own validation", async () => {
    const { validateConfiguration } = (await import('app-builder-lib/out/util/config/config.js')) as unknown as {
      validateConfiguration: (config: unknown, debug: unknown) => Promise<void>;
    };
    const { DebugLogger } = (await import('builder-util')) as unknown as { DebugLogger: new (enabled: boolean) => unknown };
    await validateConfiguration(pkg.build, new DebugLogger(false));
  });

  it('targets AppImage + deb, NSIS and DMG, with an icon that exists', () => {
    assert.deepEqual(pkg.build.linux.target, ['AppImage', 'deb']);
    assert.deepEqual(pkg.build.win.target, ['nsis']);
    assert.deepEqual(pkg.build.mac.target, ['dmg']);
    assert.ok(existsSync(join(ROOT, pkg.build.linux.icon)));
    assert.ok(existsSync(join(ROOT, pkg.build.mac.entitlements)));
  });

  it('unpacks every native file of the production dependencies from the asar archive', () => {
    const production = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT })
      .toString()
      .split('\n')
      .filter((line) => line.includes('node_modules'));
    const natives = [...new Set(production.flatMap((dir) => walk(dir)))].filter((file) => NATIVE.test(file));
    assert.ok(
      natives.some((f) => f.endsWith('node-av.node')),
      `node-av's binary is among them (${natives.join(', ')})`,
    );
    const unpacked = (file: string) => pkg.build.asarUnpack.some((glob: string) => minimatch(file, glob, { dot: true }));
    assert.deepEqual(
      natives.filter((file) => !unpacked(file)),
      [],
      'native files left inside the asar',
    );
  });

  it('ships the Python filter host outside the asar archive (a Python process cannot read inside it)', () => {
    const packed = (file: string) => pkg.build.files.some((glob: string) => minimatch(file, glob, { dot: true }));
    const unpacked = (file: string) => pkg.build.asarUnpack.some((glob: string) => minimatch(file, glob, { dot: true }));
    assert.ok(existsSync(join(ROOT, 'python/camloop_host.py')));
    assert.ok(packed('python/camloop_host.py') && unpacked('python/camloop_host.py'));
  });

  it("the main bundle is built and points at Electron's entry", () => {
    assert.equal(pkg.main, 'dist/electron/main.js');
    assert.ok(existsSync(join(ROOT, pkg.main)), 'run npm run build');
  });
});

describe('layering', () => {
  const sources = (dir: string) => walk(join(ROOT, dir)).filter((f) => /\.(ts|js|mjs)$/.test(f));
  const imports = (file: string) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

  it('electron/core never imports electron (it runs headless in plain Node)', () => {
    for (const file of sources('electron/core')) assert.ok(!imports(file).includes('electron'), file);
  });
  it('renderer never imports the core (pages talk to it over HTTP only); its types come through one type-only file', () => {
    const bridge = 'renderer/shared/api-types.d.ts';
    for (const file of sources('renderer').filter((f) => f !== bridge))
      assert.ok(!imports(file).some((i) => i.includes('electron/')), file);
    const lines = readFileSync(join(ROOT, bridge), 'utf8')
      .split('\n')
      .filter((line) => /from\s+['"]/.test(line));
    assert.ok(lines.length > 0 && lines.every((line) => line.startsWith('export type {')), `${bridge} re-exports types only`);
  });

  it('no import cycles in electron/ (type-only imports count: they tie modules together as much)', () => {
    const graph = new Map<string, string[]>();
    for (const file of sources('electron')) {
      const local = imports(file)
        .filter((i) => i.startsWith('.'))
        .map((i) => join(dirname(file), i).replace(/\.js$/, '.ts'));
      graph.set(file, local);
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') return void cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    assert.deepEqual(cycles, []);
  });

  it("only webrtc/werift-internals.ts reaches past werift's public API (casts through unknown)", () => {
    const offenders = sources('electron/core').filter(
      (file) => !file.endsWith('werift-internals.ts') && readFileSync(join(ROOT, file), 'utf8').includes('as unknown as'),
    );
    assert.deepEqual(offenders, []);
  });
});
