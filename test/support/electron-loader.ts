/**
 * A module-resolution hook (node:module register()) that gives `import ... from 'electron'` the
 * stand-in of electron-stub.ts: electron/main.ts then runs in plain Node, in a unit test.
 */
const STUB = new URL('./electron-stub.js', import.meta.url).href;

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string; shortCircuit?: boolean }>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === 'electron') return { url: STUB, shortCircuit: true };
  return next(specifier, context);
}
