import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Logger } from './log.js';
import { loadPlugins, type PluginError } from './transforms/plugins.js';
import { setPluginTransforms } from './transforms/registry.js';

/**
 * The plugins folder on the main thread: loads it (so the API can list plugins and validate chains),
 * watches it, and tells listeners (each session's worker) to reload when a file changes.
 */
export class PluginHost {
  errors: PluginError[] = [];
  private watcher?: FSWatcher;
  private readonly listeners = new Set<() => void>();
  private debounce?: NodeJS.Timeout;

  constructor(readonly dir: string, private readonly log: Logger) {}

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
    const { transforms, errors } = await loadPlugins(this.dir);
    setPluginTransforms(transforms);
    this.errors = errors;
    this.log.info(`plugins from ${this.dir}: ${transforms.map((t) => t.id).join(', ') || 'none'}`);
    for (const error of errors) this.log.warn(`plugin ${error.file}: ${error.message}`);
  }
}
