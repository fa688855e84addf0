import { chmod, mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Python, which has numpy and cv2 (the first python3 on PATH here may lack cv2). */
export const PYTHON = '/usr/bin/python3';

/** A fresh folder with these Python files in it (name -> source). */
export async function pythonPluginDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'camloop-py-'));
  for (const [name, source] of Object.entries(files)) await writeFile(join(dir, name), source);
  return dir;
}

/** An interpreter like PYTHON whose `import numpy` fails, as on a machine without numpy. */
export async function pythonWithoutNumpy(dir: string): Promise<string> {
  const fake = join(dir, 'no-numpy');
  await mkdir(join(fake, 'numpy'), { recursive: true });
  await writeFile(join(fake, 'numpy', '__init__.py'), "raise ImportError('No module named numpy')\n");
  const wrapper = join(dir, 'python-without-numpy');
  await writeFile(wrapper, `#!/bin/sh\nPYTHONPATH='${fake}' exec ${PYTHON} "$@"\n`);
  await chmod(wrapper, 0o755);
  return wrapper;
}

/** A filter file: ID, LABEL, PARAMS and the body of apply(image, params). */
export function pyFilter(id: string, applyBody: string, extra = ''): string {
  return `import os, sys, time\nID = '${id}'\nLABEL = '${id}'\nPARAMS = [{'name': 'k', 'label': 'K', 'type': 'number', 'min': 0, 'max': 255, 'step': 1, 'default': 10}]\n${extra}\ndef apply(image, params):\n${applyBody
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}\n`;
}

/** A detect filter file: ID, LABEL, PARAMS (k: 0-255, default 10) and the body of detect(image, params). */
export function pyDetect(id: string, detectBody: string, extra = ''): string {
  return pyFilter(id, detectBody, extra).replace('def apply(image, params):', 'def detect(image, params):');
}
