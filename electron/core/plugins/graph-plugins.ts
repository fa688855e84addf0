import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkParamSpec, PLUGIN_ID, type PluginError } from '../transforms/plugin-spec.js';
import type { ParamSpec, ParamValues, Transform } from '../transforms/types.js';
import { withDefaults } from '../transforms/types.js';

/** A filter-graph plugin as its file says it (`name.graph.json`), checked: what the main thread hands each worker. */
export interface GraphPluginSpec {
  id: string;
  label: string;
  /** An FFmpeg filter graph over the camera's YUV420P; `{name}` stands for the value of param `name`. */
  graph: string;
  params: ParamSpec[];
  /** A number, or 'any' (Infinity): the graph means the same at any size (see Transform.workWidth). */
  workWidth?: number;
  file: string;
}

export const GRAPH_FILE = /\.graph\.json$/;
const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;
/**
 * Filters that read files, load libraries or open sockets, and options that name a file: a graph
 * plugin is a picture filter. (The folder's JS and Python plugins run code anyway; this keeps a
 * graph copied from the web from quietly reading the disk.)
 */
const REFUSED_FILTERS = new Set(['movie', 'amovie', 'sendcmd', 'asendcmd', 'zmq', 'azmq', 'frei0r', 'ladspa', 'lv2', 'subtitles', 'ass']);
const FILE_OPTION = /(^|[:=,])\s*[a-z_]*file(name)?\s*=/i;

/** The names of the filters in a graph's text (labels and instance names left out; quotes and escapes honoured). */
export function filterNames(graph: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < graph.length; i++) {
    const c = graph[i];
    if (!quoted && (c === ',' || c === ';')) {
      parts.push(current);
      current = '';
      continue;
    }
    if (c === "'") quoted = !quoted;
    current += c === '\\' ? c + (graph[++i] ?? '') : c;
  }
  parts.push(current);
  return parts
    .map((part) =>
      part
        .replace(/\[[^\]]*\]/g, '')
        .trim()
        .split(/[=@]/)[0]
        .trim(),
    )
    .filter(Boolean);
}

/** The graph with `params` put in place of their `{name}`s (booleans as 1 and 0). */
export function fillGraph(graph: string, params: ParamValues): string {
  return graph.replace(PLACEHOLDER, (_, name: string) => {
    const value = params[name];
    return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  });
}

/** A checked spec as a transform: it has a native form only (ChainRunner runs it as a graph). */
export function graphTransform(spec: GraphPluginSpec): Transform {
  return {
    id: spec.id,
    label: spec.label,
    params: spec.params,
    workWidth: spec.workWidth,
    native: (params) => ({ graph: fillGraph(spec.graph, withDefaults(spec.params, params)) }),
    create: () => {
      throw new Error(`"${spec.id}" is a filter graph: it runs only as one`);
    },
  };
}

/** Parses and checks one file's JSON (shape, params, placeholders, refused filters); throws saying what is wrong. */
export function parseGraphPlugin(text: string, file: string): GraphPluginSpec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`, { cause: error });
  }
  const o = (value ?? {}) as Partial<Record<keyof GraphPluginSpec, unknown>>;
  if (typeof o.id !== 'string' || !PLUGIN_ID.test(o.id)) throw new Error('id must be 1-41 letters, digits, - or _');
  const id = o.id;
  if (typeof o.label !== 'string') throw new Error(`"${id}": label must be a string`);
  if (typeof o.graph !== 'string' || !o.graph.trim()) throw new Error(`"${id}": graph must be an FFmpeg filter graph (a string)`);
  const params = (o.params ?? []) as ParamSpec[];
  if (!Array.isArray(params)) throw new Error(`"${id}": params must be an array`);
  params.forEach((p) => checkParamSpec(id, p));
  for (const [, name] of o.graph.matchAll(PLACEHOLDER))
    if (!params.some((p) => p.name === name)) throw new Error(`"${id}": the graph uses {${name}}, which is not one of its params`);
  const refused = filterNames(o.graph).find((name) => REFUSED_FILTERS.has(name));
  if (refused) throw new Error(`"${id}": the ${refused} filter is not allowed in a plugin (it reads files or the network)`);
  if (FILE_OPTION.test(o.graph)) throw new Error(`"${id}": options that name a file are not allowed in a plugin`);
  let workWidth: number | undefined;
  if (o.workWidth === 'any') workWidth = Infinity;
  else if (typeof o.workWidth === 'number' && o.workWidth >= 16) workWidth = o.workWidth;
  else if (o.workWidth !== undefined) throw new Error(`"${id}": workWidth must be a number of pixels (16 or more) or "any"`);
  return { id, label: o.label, graph: o.graph, params, workWidth, file };
}

/** The `.graph.json` files of `dir`, parsed and checked (not yet built: see validateGraphPlugin). */
export async function readGraphPlugins(dir: string): Promise<{ specs: GraphPluginSpec[]; errors: PluginError[] }> {
  const specs: GraphPluginSpec[] = [];
  const errors: PluginError[] = [];
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => GRAPH_FILE.test(f)).sort();
  } catch {
    return { specs, errors };
  }
  for (const file of files) {
    try {
      specs.push(parseGraphPlugin(await readFile(join(dir, file), 'utf8'), join(dir, file)));
    } catch (error) {
      errors.push({ file, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { specs, errors };
}

/**
 * Every combination of params a build should be tried with: the defaults, then each number at its
 * min and max, each choice and each boolean, one param at a time (at most `limit` sets).
 */
export function paramSets(params: ParamSpec[], limit = 24): ParamValues[] {
  const defaults = withDefaults(params);
  const sets: ParamValues[] = [defaults];
  for (const p of params) {
    const values = p.type === 'number' ? [p.min, p.max] : p.type === 'boolean' ? [!p.default] : p.choices.filter((c) => c !== p.default);
    for (const value of values) sets.push({ ...defaults, [p.name]: value });
  }
  return sets.slice(0, limit);
}
