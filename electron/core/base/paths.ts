/** The package root (the folder with package.json), from the compiled file's place in dist/electron/core. */
export const PACKAGE_ROOT = new URL('../../../../', import.meta.url);

export function packagePath(relative: string): URL {
  return new URL(relative, PACKAGE_ROOT);
}

/**
 * A path another process reads (Python, a worker's loader): in a packaged app our files stand in
 * app.asar.unpacked (electron-builder's asarUnpack), while import.meta.url still names app.asar.
 */
export function unpackedPath(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
