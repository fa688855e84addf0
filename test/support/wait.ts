/**
 * Polls `get` until it gives a value (anything but undefined or false) and returns it; after
 * `timeoutMs` throws, naming `what` (a function: its text is made when the time is up, so it can
 * carry the latest log). A throw from `get` ends the wait at once.
 */
export async function waitFor<T>(
  what: string | (() => string),
  get: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
