import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CamLoopServer, ServerOptions } from '../../electron/core/http/server.js';
import { launchBrowser } from './browser.js';
import { startTestServer } from './server.js';

/** Things to release, last made first released; each runs even when another throws. */
export class Cleanups {
  private readonly steps: (() => unknown)[] = [];

  add(step: () => unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    let failure: unknown;
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }
}

/**
 * The e2e fixture: a CamLoop core in this process and a Chromium, made before a file's tests
 * (both at once) and released after them however the tests went, with whatever else the file
 * adds to the returned Cleanups (a client, a folder). `ready` hands them to the file.
 */
export function useServerAndBrowser(
  options: Partial<ServerOptions> | (() => Promise<Partial<ServerOptions>>),
  ready: (server: CamLoopServer, browser: Browser) => void | Promise<void>,
): Cleanups {
  const cleanups = new Cleanups();
  before(async () => {
    const [server, browser] = await Promise.allSettled([
      (async () => startTestServer(typeof options === 'function' ? await options() : options))(),
      launchBrowser(),
    ]);
    if (server.status === 'fulfilled') cleanups.add(() => server.value.close());
    if (browser.status === 'fulfilled') cleanups.add(() => browser.value.close());
    if (server.status === 'rejected') throw server.reason;
    if (browser.status === 'rejected') throw browser.reason;
    await ready(server.value, browser.value);
  });
  after(() => cleanups.run());
  return cleanups;
}
