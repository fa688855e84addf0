import { parentPort, workerData } from 'node:worker_threads';
import { HOSTILE_CASES } from './hostile-cases.js';
import { hostileClips, runCase, type CaseTiming } from './hostile-run.js';

/**
 * Runs one hostile case in a thread of its own (see runCaseInThread): its sending, and what it makes
 * the server send back, must not share an event loop with the good phone that is measured beside it.
 */
const { serverUrl, name, timing } = workerData as { serverUrl: string; name: string; timing: CaseTiming };
const kase = HOSTILE_CASES.find((c) => c.name === name);
if (!kase) throw new Error(`no hostile case "${name}"`);
// Connected: the main thread says when to start (it measures the good phone alone meanwhile).
const go = () =>
  new Promise<void>((resolve) => (parentPort!.once('message', () => resolve()), parentPort!.postMessage({ connected: true })));
parentPort!.postMessage({ observed: await runCase(serverUrl, kase, hostileClips(), timing, go) });
