import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagePath, unpackedPath } from '../base/paths.js';
import { MODEL_TASKS, type ModelTask } from '../transforms/types.js';

/** One file of a model, as models/manifest.json lists it. */
export interface ModelFile {
  file: string;
  /** Its folder: the package's own (`models/objects`) or an npm package's (`@vladmandic/human/models`). */
  in: string;
  size: number;
  sha256: string;
}
export type Manifest = Record<ModelTask, ModelFile[]>;

/** A model file that is missing, unlisted or not the one shipped: that filter cannot run. */
export class ModelFileError extends Error {}

const MANIFEST = 'models/manifest.json';
const require = createRequire(import.meta.url);

/**
 * The one place that finds the built-in models' files (models/README.md): the manifest names each
 * file, its folder, size and sha256, and every read checks both, so a truncated or replaced file is
 * a clear error for its task and never a model that loads and finds nothing. Paths are those a
 * worker thread can read: app.asar.unpacked in a packaged app (the installers unpack them).
 */
export class ModelFiles {
  private manifest?: Promise<Manifest>;

  constructor(manifest?: string) {
    this.manifestPath = manifest ?? unpackedPath(fileURLToPath(packagePath(MANIFEST)));
  }
  private readonly manifestPath: string;

  list(task: ModelTask): Promise<ModelFile[]> {
    return this.loadManifest().then((manifest) => manifest[task] ?? []);
  }

  /** The bytes of one file of `task`, checked against the manifest. */
  async read(task: ModelTask, file: string): Promise<Buffer> {
    const entry = (await this.list(task)).find((f) => f.file === file);
    if (!entry) throw new ModelFileError(`model ${task}: ${file} is not in ${MANIFEST}`);
    const path = this.pathOf(entry);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new ModelFileError(`model ${task}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    if (bytes.length !== entry.size)
      throw new ModelFileError(`model ${task}: ${path} is ${bytes.length} bytes, the manifest says ${entry.size}: reinstall CamLoop`);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== entry.sha256)
      throw new ModelFileError(`model ${task}: ${path} has sha256 ${sha256.slice(0, 12)}..., not the manifest's: reinstall CamLoop`);
    return bytes;
  }

  /** Every task's files checked (at start): what is wrong, by task (an empty map: all good). */
  async check(): Promise<Map<ModelTask, string>> {
    const troubles = new Map<ModelTask, string>();
    try {
      await this.loadManifest();
    } catch (error) {
      for (const task of MODEL_TASKS) troubles.set(task, (error as Error).message);
      return troubles;
    }
    for (const task of MODEL_TASKS) {
      try {
        const files = await this.list(task);
        if (!files.length) throw new ModelFileError(`model ${task}: no files in ${MANIFEST}`);
        for (const { file } of files) await this.read(task, file);
      } catch (error) {
        troubles.set(task, (error as Error).message);
      }
    }
    return troubles;
  }

  pathOf(entry: ModelFile): string {
    if (!entry.in.startsWith('@') && !entry.in.startsWith('node_modules/'))
      return join(this.manifestPath, '..', '..', entry.in, entry.file);
    const [scope, name, ...rest] = entry.in.split('/');
    return join(packageRoot(`${scope}/${name}`), ...rest, entry.file);
  }

  private loadManifest(): Promise<Manifest> {
    this.manifest ??= readFile(this.manifestPath, 'utf8').then(
      (text) => JSON.parse(text) as Manifest,
      (error: NodeJS.ErrnoException) => {
        throw new ModelFileError(`the models' manifest ${this.manifestPath} cannot be read (${error.code ?? error.message}): reinstall CamLoop`);
      },
    );
    return this.manifest;
  }
}

/** An npm package's folder, as a worker thread can read it (its exports map may hide package.json: go by its main file). */
export function packageRoot(name: string): string {
  const main = unpackedPath(require.resolve(name));
  const at = main.lastIndexOf(join('node_modules', name));
  if (at < 0) throw new Error(`cannot find the folder of ${name} (from ${main})`);
  return main.slice(0, at + join('node_modules', name).length);
}
