import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { checkParamSpec, PLUGIN_ID, type PluginError } from '../transforms/plugin-spec.js';
import type { ParamSpec } from '../transforms/types.js';
import type { PythonPluginInfo } from './python-filter.js';
import { cannotRun, describeFailure, HOST_SCRIPT, pythonEnv } from './python-process.js';

/** import of the user's file (numpy, cv2, their own imports) may take this long. */
const DESCRIBE_TIMEOUT_MS = 15_000;

export interface DescribedPython {
  plugins: PythonPluginInfo[];
  errors: PluginError[];
}

/**
 * Every .py file in `dir`, imported by `python` once to read its ID, LABEL, PARAMS and whether it
 * defines apply() or detect() (neither is run). A file that cannot be imported (a syntax error, numpy or cv2 missing, no interpreter)
 * is reported with Python's own words, never thrown.
 */
export async function describePythonPlugins(dir: string, python: string): Promise<DescribedPython> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.py')).sort();
  } catch {
    return { plugins: [], errors: [] }; // no folder: loadPlugins reports it for JS and Python alike
  }
  const described = await Promise.all(
    files.map((file) =>
      describeOne(python, join(dir, file)).then(
        (info) => ({ file, info }),
        (error: Error) => ({ file, error }),
      ),
    ),
  );
  const plugins: PythonPluginInfo[] = [];
  const errors: PluginError[] = [];
  for (const entry of described) {
    if ('error' in entry) errors.push({ file: entry.file, message: entry.error.message });
    else plugins.push(entry.info);
  }
  return { plugins, errors };
}

async function describeOne(python: string, file: string): Promise<PythonPluginInfo> {
  const output = await new Promise<string>((resolve, reject) => {
    // The answer comes on fd 4, so that prints at import time cannot be mistaken for it.
    const child = spawn(python, [HOST_SCRIPT, 'describe', file], {
      cwd: dirname(file),
      env: pythonEnv(),
      stdio: ['ignore', 'ignore', 'pipe', 'ignore', 'pipe'],
    });
    let answer = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, DESCRIBE_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    (child.stdio[4] as Readable).on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(cannotRun(python, error)));
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (timedOut)
        reject(new Error(`importing it took more than ${DESCRIBE_TIMEOUT_MS / 1000} s (load models in setup(), not at import)`));
      else if (!answer.trim())
        reject(
          new Error(`Python "${python}" gave no description${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`),
        );
      else resolve(answer);
    });
  });
  const description = JSON.parse(output) as { id?: unknown; label?: unknown; params?: unknown; kind?: unknown; error?: string };
  if (description.error) throw new Error(describeFailure(description));
  const { id, label, params } = description;
  if (typeof id !== 'string' || !PLUGIN_ID.test(id)) throw new Error('ID must be 1-41 letters, digits, - or _');
  if (typeof label !== 'string') throw new Error(`"${id}": LABEL must be a string`);
  const specs = (params ?? []) as ParamSpec[];
  specs.forEach((spec) => checkParamSpec(id, spec));
  return { id, label, params: specs, file, python, kind: description.kind === 'detect' ? 'detect' : 'apply' };
}
