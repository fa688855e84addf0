/** The package root (the folder with package.json), from the compiled file's place in dist/electron/core. */
export const PACKAGE_ROOT = new URL('../../../../', import.meta.url);

export function packagePath(relative: string): URL {
  return new URL(relative, PACKAGE_ROOT);
}
