import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isBuiltin } from '../transforms/registry.js';
import { checkParamSpec, PLUGIN_ID, type PluginError } from '../transforms/plugin-spec.js';
import { detectTransform } from '../transforms/detect-filter.js';
import type { Transform } from '../transforms/types.js';

export interface LoadedPlugins {
  transforms: Transform[];
  errors: PluginError[];
}

const PLUGIN_FILE = /\.(m?js)$/;

/**
 * Imports every .js/.mjs file in `dir` as a transform: `export default {id, label, params, create}`
 * (or `export const transform = ...`), the shape of the built-ins; with `kind: 'detect'`, create(cv)
 * returns {detect, dispose} and runs in a thread of its own (docs/detect.md). The file's mtime goes
 * into the import URL so an edited file is imported afresh. A file that fails is reported, never thrown.
 */
export async function loadPlugins(dir: string): Promise<LoadedPlugins> {
  const transforms: Transform[] = [];
  const errors: PluginError[] = [];
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => PLUGIN_FILE.test(f)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { transforms, errors };
    return { transforms, errors: [{ file: dir, message: `cannot read the plugins folder: ${(error as Error).message}` }] };
  }
  for (const file of files) {
    const path = join(dir, file);
    try {
      const { mtimeMs, size } = await stat(path);
      const url = `${pathToFileURL(path).href}?v=${mtimeMs}-${size}`;
      const module = (await import(url)) as { default?: unknown; transform?: unknown };
      const transform = checkShape(module.default ?? module.transform, url, module.default ? 'default' : 'transform');
      if (isBuiltin(transform.id) || transforms.some((t) => t.id === transform.id))
        throw new Error(`id "${transform.id}" is already taken`);
      transforms.push(transform);
    } catch (error) {
      errors.push({ file, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { transforms, errors };
}

function checkShape(value: unknown, url: string, exportName: string): Transform {
  if (typeof value !== 'object' || value === null) throw new Error('exports no transform (export default {id, label, params, create})');
  const t = value as Partial<Transform>;
  if (typeof t.id !== 'string' || !PLUGIN_ID.test(t.id)) throw new Error('id must be 1-41 letters, digits, - or _');
  if (typeof t.label !== 'string') throw new Error(`"${t.id}": label must be a string`);
  if (typeof t.create !== 'function') throw new Error(`"${t.id}": create(cv) must be a function`);
  const params = t.params ?? [];
  if (!Array.isArray(params)) throw new Error(`"${t.id}": params must be an array`);
  params.forEach((p) => checkParamSpec(t.id!, p));
  if (t.kind === 'detect')
    return detectTransform({ id: t.id, label: t.label, params, detector: { runtime: 'js', module: url, exportName } });
  if (t.kind !== undefined && t.kind !== 'apply') throw new Error(`"${t.id}": kind must be 'apply' or 'detect'`);
  if (t.input !== undefined && t.input !== 'rgba' && t.input !== 'gray' && t.input !== 'yuv')
    throw new Error(`"${t.id}": input must be 'rgba', 'gray' or 'yuv'`);
  if (t.workWidth !== undefined && !(typeof t.workWidth === 'number' && t.workWidth >= 16))
    throw new Error(`"${t.id}": workWidth must be a number of pixels (16 or more, or Infinity)`);
  return { id: t.id, label: t.label, params, input: t.input, workWidth: t.workWidth, identity: false, create: t.create };
}
