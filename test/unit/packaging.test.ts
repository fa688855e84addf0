import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builderFiles, builderModuleFiles, builderRequire, globList } from '../support/builder-files.js';
import { walkRuntimeFiles } from '../support/runtime-files.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const NATIVE = /\.(node|so(\.\d+)*|dylib|dll|exe)$/;

/** Files under `dir`, relative to the package root. */
function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(relative(ROOT, path).split(sep).join('/'));
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
  const files = builderFiles(pkg.build);
  const runtime = walkRuntimeFiles(ROOT);

  it("the configuration passes electron-builder's own validation", async () => {
    const { validateConfiguration } = builderRequire('./out/util/config/config.js') as {
      validateConfiguration: (config: unknown, debug: unknown) => Promise<void>;
    };
    const { DebugLogger } = builderRequire('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await validateConfiguration(pkg.build, new DebugLogger(false));
  });

  it('targets AppImage + deb, NSIS and DMG, with an icon and entitlements that exist', () => {
    assert.deepEqual(pkg.build.linux.target, ['AppImage', 'deb']);
    assert.deepEqual(pkg.build.win.target, ['nsis']);
    assert.deepEqual(pkg.build.mac.target, ['dmg']);
    assert.ok(existsSync(join(ROOT, pkg.build.linux.icon)));
    assert.ok(existsSync(join(ROOT, pkg.build.mac.entitlements)));
  });

  it("flips Electron's fuses in the binary: no RunAsNode, no NODE_OPTIONS or --inspect, asar only and checked", async () => {
    // A stand-in binary with the fuse wire of a stock Electron, flipped the way electron-builder does.
    const { flipFuses, getCurrentFuseWire, FuseV1Options } = builderRequire('@electron/fuses') as typeof import('@electron/fuses');
    const { PlatformPackager } = builderRequire('./out/index.js') as {
      PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<Parameters<typeof flipFuses>[1]> } };
    };
    const stock = {
      RunAsNode: 1,
      EnableCookieEncryption: 0,
      EnableNodeOptionsEnvironmentVariable: 1,
      EnableNodeCliInspectArguments: 1,
      EnableEmbeddedAsarIntegrityValidation: 0,
      OnlyLoadAppFromAsar: 0,
      LoadBrowserProcessSpecificV8Snapshot: 0,
      GrantFileProtocolExtraPrivileges: 1,
    };
    const wire = Object.values(stock).map((on) => (on ? 0x31 : 0x30));
    const dir = await mkdtemp(join(tmpdir(), 'camloop-fuses-'));
    const binary = join(dir, 'electron');
    await writeFile(
      binary,
      Buffer.concat([
        randomBytes(64),
        Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
        Buffer.from([1, wire.length, ...wire]),
        randomBytes(64),
      ]),
    );
    try {
      await flipFuses(binary, await PlatformPackager.prototype.generateFuseConfig(pkg.build.electronFuses));
      const flipped = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
      const state = Object.fromEntries(
        Object.keys(stock).map((name) => [name, String.fromCharCode(flipped[FuseV1Options[name as keyof typeof stock]]!)]),
      );
      assert.deepEqual(state, {
        RunAsNode: '0',
        EnableCookieEncryption: '1',
        EnableNodeOptionsEnvironmentVariable: '0',
        EnableNodeCliInspectArguments: '0',
        EnableEmbeddedAsarIntegrityValidation: '1',
        OnlyLoadAppFromAsar: '1',
        LoadBrowserProcessSpecificV8Snapshot: '0',
        GrantFileProtocolExtraPrivileges: '0',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ships every file the app reads at run time (imports, worker scripts, pages, assets)', () => {
    assert.deepEqual(runtime.unresolved, []);
    assert.ok(
      runtime.files.has('dist/electron/core/worker/codec-worker.js') && runtime.files.has('renderer/panel/panel.js'),
      'the walk reaches the worker and the pages',
    );
    // Files of npm packages ship with their package (checked below: a production dependency).
    const missing = [...runtime.files.values()]
      .filter((file) => !file.path.startsWith('node_modules/') && !files.shipped(file.path))
      .map((file) => `${file.path} (read by ${file.from})`);
    assert.deepEqual(missing, [], 'left out of the package by build.files');
  });

  it('unpacks from app.asar what a Python process or the OS loader reads (they cannot see inside it)', () => {
    // The production tree as the lockfile has it (electron-builder ships what is not dev-only).
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const production = Object.entries(lock.packages).filter(([dir, entry]) => dir && !entry.dev && existsSync(join(ROOT, dir)));
    const natives = [...new Set(production.flatMap(([dir]) => walk(join(ROOT, dir))))].filter((file) => NATIVE.test(file));
    assert.ok(
      natives.some((f) => f.endsWith('node-av.node')),
      `node-av's binary is among the native files (${natives.join(', ')})`,
    );
    const outside = [...runtime.files.values()]
      .filter((file) => file.reader === 'python' || file.reader === 'native')
      .map((file) => file.path);
    assert.ok(outside.includes('python/camloop_host.py'), 'the walk finds the Python filter host');
    const unpacked = (file: string) => (file.startsWith('node_modules/') ? globList(pkg.build.asarUnpack)(file) : files.unpacked(file));
    assert.deepEqual(
      [...natives, ...outside].filter((file) => !unpacked(file)),
      [],
      'left inside app.asar',
    );
  });

  it('every npm package the app loads is a production dependency (electron-builder ships no others)', () => {
    assert.ok(runtime.packages.has('werift'), 'the walk finds the packages');
    const notShipped = [...runtime.packages]
      .filter(([name]) => !(name in pkg.dependencies))
      .map(([name, from]) => `${name} (loaded by ${from})`);
    assert.deepEqual(notShipped, []);
  });

  it("ships the models and their runtime outside app.asar (the model worker reads them as files), and none of Human's other files", async () => {
    const modules = builderModuleFiles(pkg.build);
    const where = (path: string) => (path.startsWith('node_modules/') ? modules : files);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'models/manifest.json'), 'utf8')) as Record<string, { file: string; in: string }[]>;
    const weights = Object.values(manifest)
      .flat()
      .map((f) => `${f.in.startsWith('@') ? 'node_modules/' : ''}${f.in}/${f.file}`);
    assert.equal(weights.length, 14, 'seven models, a graph and its weights each');
    const runtime = [
      'models/manifest.json',
      'node_modules/@vladmandic/human/dist/human.node-wasm.js',
      'node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js',
      'node_modules/@tensorflow/tfjs-converter/dist/tf-converter.node.js',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
    ];
    const licences = ['models/LICENSE.weights-Apache-2.0.txt', 'models/LICENSE.human-MIT.txt', 'models/LICENSE.human-models-MIT.txt'];
    for (const path of [...weights, ...runtime, ...licences]) assert.ok(existsSync(join(ROOT, path)), `${path} exists`);
    assert.deepEqual(
      [...weights, ...runtime].filter((path) => !where(path).unpacked(path)),
      [],
      'shipped and unpacked',
    );
    assert.deepEqual(
      licences.filter((path) => !files.shipped(path)),
      [],
      'the licences ship',
    );
    const unused = [
      'node_modules/@vladmandic/human/models/iris.bin',
      'node_modules/@vladmandic/human/models/models.json',
      'node_modules/@vladmandic/human/dist/human.esm.js',
      'node_modules/@vladmandic/human/demo/index.html',
      'node_modules/@vladmandic/human/src/human.ts',
      'node_modules/@tensorflow/tfjs-core/dist/index.js',
      'node_modules/@tensorflow/tfjs-core/dist/tf-core.min.js',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
      'node_modules/@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.node.js',
    ];
    assert.deepEqual(
      unused.filter((path) => modules.shipped(path)),
      [],
      'browser bundles, demos and unused models stay out',
    );
    assert.ok(modules.shipped('node_modules/werift/package.json'), "the other dependencies' files still ship");
  });

  it('starts the Python filter host from app.asar.unpacked', async () => {
    // The module that names the host, loaded from where a packaged app has it: resources/app.asar/...
    const user = runtime.files.get('python/camloop_host.py')!.from;
    const dir = await mkdtemp(join(tmpdir(), 'camloop-asar-'));
    const asar = join(dir, 'resources', 'app.asar');
    try {
      for (const file of ['package.json', ...walkRuntimeFiles(ROOT, user).files.keys()]) {
        await mkdir(dirname(join(asar, file)), { recursive: true });
        await copyFile(join(ROOT, file), join(asar, file));
      }
      const loaded = (await import(pathToFileURL(join(asar, user)).href)) as Record<string, unknown>;
      const host = Object.values(loaded).find((value) => typeof value === 'string' && value.endsWith('camloop_host.py'));
      assert.equal(host, join(dir, 'resources', 'app.asar.unpacked', 'python', 'camloop_host.py'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the main bundle is built and is Electron's entry", () => {
    assert.equal(pkg.main, 'dist/electron/main.js');
    assert.ok(existsSync(join(ROOT, pkg.main)), 'run npm run build');
  });
});
