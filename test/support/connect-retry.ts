/**
 * Connects a fresh peer from `make()`, again with a new one when a try fails or takes longer than
 * `timeoutMs`. Seen here about once in 5-20 connections on a loaded machine: ICE connected, DTLS
 * still 'connecting' 30 s later (a werift peer against the app, either side may be at fault). A
 * harness that measures something else must not fail on it; `failures` says that it happened.
 */
export async function connectWithRetry<P extends { close(): Promise<void> }>(
  make: () => P,
  connect: (peer: P) => Promise<void>,
  { attempts = 3, timeoutMs = 12_000 } = {},
): Promise<{ peer: P; failures: string[] }> {
  const failures: string[] = [];
  for (;;) {
    const peer = make();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`not connected within ${timeoutMs / 1000} s`)), timeoutMs)),
    );
    try {
      await Promise.race([connect(peer), timeout]);
      return { peer, failures };
    } catch (error) {
      failures.push((error as Error).message);
      await peer.close().catch(() => {});
      if (failures.length >= attempts) throw new Error(`no connection in ${attempts} tries: ${failures.join('; ')}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
