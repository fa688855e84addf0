import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';

/** Who reads a file at run time, which decides where a packaged app must keep it. */
export type Reader = 'node' | 'worker' | 'python' | 'native';

export interface RuntimeFile {
  /** Relative to the package root, with forward slashes. */
  path: string;
  reader: Reader;
  /** The file that reaches it. */
  from: string;
}

/** Where the walk reads files: the package on disk, or a packaged app's archive. */
export interface Source {
  exists(path: string): boolean;
  read(path: string): string;
}

export function diskSource(root: string): Source {
  return { exists: (path) => existsSync(join(root, path)), read: (path) => readFileSync(join(root, path), 'utf8') };
}

export interface RuntimeGraph {
  files: Map<string, RuntimeFile>;
  /** npm packages the app's own code loads (name -> the first file that does). */
  packages: Map<string, string>;
  /** What the walk saw but could not follow: a reason each. */
  unresolved: string[];
}

const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w*${}\s,]+?\s*from\s*)?['"]([^'"]+)['"]/g;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
const REQUIRE = /\bcreateRequire\([^)]*\)\(\s*['"]([^'"]+)['"]\s*\)/g;
const URL_NEXT_TO_MODULE = /new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g;
const PACKAGE_PATH = /(?<!function )\bpackagePath\(\s*([^)]*?)\s*\)/g;
const STRING = /(['"`])((?:(?!\1)[^\\\n])*)\1/g;

/** By extension: a Python process reads .py files, the OS's loader native libraries, Node the rest. */
function readerOf(path: string): Reader {
  if (path.endsWith('.py')) return 'python';
  if (/\.(node|so(\.\d+)*|dylib|dll)$/.test(path)) return 'native';
  return 'node';
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Every file the app reads at run time, found from its entry (compiled JS) the way Node and the
 * code itself reach them: static and dynamic imports, `new URL('./x.js', import.meta.url)` (worker
 * scripts, walked in turn), `packagePath(...)` reads of the package's own files, and the npm
 * packages it loads. A `packagePath(name)` with a variable is resolved to the string literals of
 * the same module that name files of the package; none there is reported as unresolved.
 */
export function walkRuntimeFiles(root: string | Source, entry = 'dist/electron/main.js'): RuntimeGraph {
  const source = typeof root === 'string' ? diskSource(root) : root;
  const graph: RuntimeGraph = { files: new Map(), packages: new Map(), unresolved: [] };
  const add = (path: string, reader: Reader, from: string): boolean => {
    if (graph.files.has(path)) return false;
    if (!source.exists(path)) {
      graph.unresolved.push(`${from} reaches ${path}, which does not exist`);
      return false;
    }
    graph.files.set(path, { path, reader, from });
    return true;
  };
  const queue: string[] = [];
  if (add(entry, 'node', entry)) queue.push(entry);

  const module = (specifier: string, from: string, reader: Reader) => {
    if (specifier.startsWith('node:') || builtinModules.includes(specifier) || specifier === 'electron') return;
    if (!specifier.startsWith('.')) {
      if (!graph.packages.has(packageName(specifier))) graph.packages.set(packageName(specifier), from);
      return;
    }
    const path = posix.normalize(posix.join(posix.dirname(from), specifier));
    if (add(path, reader, from) && /\.m?js$/.test(path)) queue.push(path);
  };

  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const code = source.read(file);
    const reader = graph.files.get(file)!.reader === 'worker' ? 'worker' : 'node';
    for (const pattern of [STATIC_IMPORT, DYNAMIC_IMPORT, REQUIRE])
      for (const [, specifier] of code.matchAll(pattern)) module(specifier!, file, reader);
    // A URL of a folder (the package root) is no file to ship.
    for (const [, target] of code.matchAll(URL_NEXT_TO_MODULE))
      if (!target!.endsWith('/')) module(target!, file, /\.m?js$/.test(target!) ? 'worker' : readerOf(target!));
    for (const [, argument] of code.matchAll(PACKAGE_PATH)) {
      const paths = packagePaths(argument!, code, source);
      for (const path of paths) {
        add(path, readerOf(path), file);
        // A file of an npm package (a page's library, served from node_modules): the package must ship.
        const name = /^node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\//.exec(path)?.[1];
        if (name && !graph.packages.has(name)) graph.packages.set(name, file);
      }
      if (!paths.length) graph.unresolved.push(`${file}: cannot tell which file packagePath(${argument}) reads`);
    }
  }
  return graph;
}

/** The package-relative paths a packagePath(argument) call in `code` can read. */
function packagePaths(argument: string, code: string, source: Source): string[] {
  const literal = /^(['"`])(.*)\1$/.exec(argument);
  if (literal) {
    // A template's ${NAME} is a constant of the same module.
    const path = literal[2]!.replace(
      /\$\{(\w+)\}/g,
      (_all, name: string) => new RegExp(`\\bconst ${name}\\s*=\\s*['"]([^'"]+)['"]`).exec(code)?.[1] ?? `\${${name}}`,
    );
    return path.includes('${') ? [] : [path];
  }
  const candidates = [...code.matchAll(STRING)].map((m) => m[2]!).filter((s) => /^[\w-]+\/[\w./-]+\.\w+$/.test(s) && !s.includes('..'));
  return [...new Set(candidates.filter((path) => source.exists(path)))];
}
