import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { builderRequire } from '../support/builder-files.js';
import { walkRuntimeFiles, type Source } from '../support/runtime-files.js';

const NATIVE = /\.(node|so(\.\d+)*|dylib|dll)$/;

/** The resources folder of a packaged app, from its executable. */
export function resourcesOf(executable: string): string {
  // macOS: CamLoop.app/Contents/MacOS/CamLoop -> CamLoop.app/Contents/Resources
  return basename(dirname(executable)) === 'MacOS' ? join(dirname(executable), '..', 'Resources') : join(dirname(executable), 'resources');
}

/** The production packages installed in `root` (node_modules paths), from its lockfile. */
function productionPackages(root: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  // Optional ones for other platforms (node-av's binaries) are not installed, nor shipped.
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path && !entry.dev && existsSync(join(root, path)))
    .map(([path]) => path);
}

/**
 * What is wrong with what a packaged app carries: its own code, read from its app.asar, is walked
 * from package.json's main like the unit test walks the source, and every file it reaches must
 * be in the archive, unpacked next to it where a Python process or the OS loader reads it; every
 * production package installed in `root` (the checkout it was built from) must be in it too.
 */
export function layoutProblems(resources: string, root: string): { problems: string[]; files: number } {
  const archive = join(resources, 'app.asar');
  if (!existsSync(archive)) return { problems: [`no app.asar in ${resources}`], files: 0 };
  const asar = builderRequire('@electron/asar') as typeof import('@electron/asar');
  const entries = new Map(
    asar.listPackage(archive, { isPack: true }).map((line) => {
      const [kind, path] = line.split(/\s*:\s*/) as [string, string];
      return [path.replace(/\\/g, '/').replace(/^\//, ''), kind.trim()] as const;
    }),
  );
  const onDisk = (path: string) => existsSync(join(`${archive}.unpacked`, ...path.split('/')));
  const source: Source = { exists: (path) => entries.has(path), read: (path) => asar.extractFile(archive, path).toString('utf8') };
  const main = (JSON.parse(source.read('package.json')) as { main: string }).main;
  const graph = walkRuntimeFiles(source, main);
  const problems = [...graph.unresolved];
  for (const file of graph.files.values()) {
    if ((file.reader === 'python' || file.reader === 'native') && entries.get(file.path) !== 'unpack')
      problems.push(`${file.path} is inside app.asar, where a ${file.reader} reader cannot see it`);
  }
  for (const [name, from] of graph.packages)
    if (!entries.has(`node_modules/${name}/package.json`)) problems.push(`package ${name} (loaded by ${from}) is not in app.asar`);
  for (const path of productionPackages(root))
    if (!entries.has(`${path}/package.json`)) problems.push(`production dependency ${path} is not in app.asar`);
  for (const [path, kind] of entries) {
    if (NATIVE.test(path) && kind !== 'unpack') problems.push(`native ${path} is inside app.asar`);
    if (kind === 'unpack' && !onDisk(path)) problems.push(`${path} is marked unpacked but is not in app.asar.unpacked`);
  }
  return { problems, files: graph.files.size };
}
