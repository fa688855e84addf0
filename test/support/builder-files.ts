import { createRequire } from 'node:module';
import { Minimatch } from 'minimatch';

/** electron-builder's own modules, as installed with it (its @electron/fuses and @electron/asar too). */
export const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));

const { excludedNames, excludedExts } = builderRequire('./out/fileMatcher.js') as { excludedNames: string; excludedExts: string };

interface BuildConfig {
  files: string[];
  asarUnpack: string[];
  directories: { output: string; buildResources: string };
}

/**
 * electron-builder's glob list semantics (app-builder-lib's filter.js): patterns in order, an
 * include only counts while nothing matched yet, an exclusion only once something did; a plain
 * folder name stands for everything under it.
 */
export function globList(patterns: string[]): (path: string) => boolean {
  const parsed = patterns.flatMap((pattern) => {
    const glob = new Minimatch(pattern, { dot: true });
    const plainFolder =
      !pattern.startsWith('!') && !pattern.includes('.') && glob.set.length === 1 && glob.set[0]!.every((part) => typeof part === 'string');
    return plainFolder ? [glob, new Minimatch(`${pattern}/**/*`, { dot: true })] : [glob];
  });
  return (path) => {
    let match = false;
    for (const glob of parsed) if (match === glob.negate) match = glob.match(path);
    return match;
  };
}

/**
 * Which of the package's own files (not node_modules: electron-builder adds the production
 * dependencies itself) a build with `config` ships, and which of those it unpacks from app.asar.
 * The defaults it adds are electron-builder's (getMainFileMatchers in fileMatcher.js).
 */
export function builderFiles(config: BuildConfig): { shipped: (path: string) => boolean; unpacked: (path: string) => boolean } {
  const { output, buildResources } = config.directories;
  const shipped = globList([
    `!${buildResources}{,/**/*}`,
    `!${output}{,/**/*}`,
    ...config.files,
    ...(config.files.includes('package.json') ? [] : ['package.json']),
    `!**/*.{${excludedExts},pdb}`,
    '!**/._*',
    '!**/electron-builder.{yaml,yml,json,json5,toml,ts}',
    `!**/{${excludedNames}}`,
  ]);
  const unpacked = globList(config.asarUnpack);
  return { shipped, unpacked: (path) => shipped(path) && unpacked(path) };
}

/**
 * Which files of the production dependencies a build ships: all, less the exclusions in `files`
 * (electron-builder's getNodeModuleFileMatcher: everything, then only the "!" patterns), and which of
 * those it unpacks.
 */
export function builderModuleFiles(config: BuildConfig): { shipped: (path: string) => boolean; unpacked: (path: string) => boolean } {
  const shipped = globList(['**/*', ...config.files.filter((pattern) => pattern.startsWith('!'))]);
  const unpacked = globList(config.asarUnpack);
  return { shipped, unpacked: (path) => shipped(path) && unpacked(path) };
}
