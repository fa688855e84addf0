import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Logger } from '../base/log.js';
import { describePythonPlugins } from '../python/describe.js';
import { pythonTransform, type PythonPluginInfo } from '../python/python-filter.js';
import { DEFAULT_PYTHON } from '../python/python-process.js';
import { graphTransform, readGraphPlugins, type GraphPluginSpec } from './graph-plugins.js';
import { validateGraphPlugin } from './graph-validation.js';
import { loadPlugins } from './js-plugins.js';
import type { PluginError } from '../transforms/plugin-spec.js';
import { isBuiltin, setPluginTransforms } from '../transforms/registry.js';

/** The plugins a worker loads: the folder's JS files, and the Python ones the main thread described. */
export interface PluginSet {
  pluginsDir?: string;
  python?: PythonPluginInfo[];
  graphs?: GraphPluginSpec[];
}

/**
 * The plugins folder on the main thread: loads it (so the API can list plugins and validate chains),
 * watches it, and tells listeners (each session's worker) to reload when a file changes.
 * .js/.mjs files are imported here; .py files are described by `python` (their code runs only in
 * each camera's own Python process); .graph.json files (FFmpeg filter graphs) are built here once
 * to be checked, then run in the workers.
 */
export class PluginHost {
  errors: PluginError[] = [];
  /** The .py plugins, as each camera's worker needs them. */
  python: PythonPluginInfo[] = [];
  /** The .graph.json plugins that built. */
  graphs: GraphPluginSpec[] = [];
  private watcher?: FSWatcher;
  private readonly listeners = new Set<() => void>();
  private debounce?: NodeJS.Timeout;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
    readonly pythonPath = DEFAULT_PYTHON,
  ) {}

  /** What a camera's worker loads. */
  get forWorker(): Required<PluginSet> {
    return { pluginsDir: this.dir, python: this.python, graphs: this.graphs };
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true }).catch(() => {});
    await this.reload();
    try {
      this.watcher = watch(this.dir, () => {
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.reload().then(() => this.listeners.forEach((l) => l())), 150);
      });
    } catch (error) {
      this.log.warn(`cannot watch ${this.dir}: ${(error as Error).message}; plugins will not hot-reload`);
    }
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
  }

  private async reload(): Promise<void> {
    const [js, py, graph] = await Promise.all([
      loadPlugins(this.dir),
      describePythonPlugins(this.dir, this.pythonPath),
      readGraphPlugins(this.dir),
    ]);
    const errors = [...js.errors, ...py.errors, ...graph.errors];
    const taken = new Set(js.transforms.map((t) => t.id));
    const unique = <T extends { id: string; file: string }>(items: T[]) =>
      items.filter((info) => {
        const clash = isBuiltin(info.id) || taken.has(info.id);
        if (clash) errors.push({ file: relativeName(this.dir, info.file), message: `id "${info.id}" is already taken` });
        taken.add(info.id);
        return !clash;
      });
    this.python = unique(py.plugins);
    this.graphs = [];
    for (const spec of unique(graph.specs)) {
      try {
        await validateGraphPlugin(spec);
        this.graphs.push(spec);
      } catch (error) {
        errors.push({ file: relativeName(this.dir, spec.file), message: (error as Error).message });
      }
    }
    // Listed and validated here; never run on this thread.
    const python = this.python.map((info) => pythonTransform(info, { onOutput: () => {} }));
    const transforms = [...js.transforms, ...python, ...this.graphs.map(graphTransform)];
    setPluginTransforms(transforms);
    this.errors = errors.sort((a, b) => a.file.localeCompare(b.file));
    this.log.info(`plugins from ${this.dir}: ${transforms.map((t) => t.id).join(', ') || 'none'}`);
    for (const error of errors) this.log.warn(`plugin ${error.file}: ${error.message}`);
  }
}

function relativeName(dir: string, file: string): string {
  return file.startsWith(dir) ? file.slice(dir.length).replace(/^[\\/]+/, '') : file;
}
