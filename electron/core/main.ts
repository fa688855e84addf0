import { parseConfig, USAGE } from './app/cli.js';
import { isLoopbackAddress } from './base/addresses.js';
import { loadOrCreateCertificate } from './http/tls.js';
import { createLogger } from './base/log.js';
import { startServer } from './http/server.js';
import { mallocTuned, rerunTuned } from './app/malloc-tuning.js';

/** Headless entry point (`npm start`): the same core the desktop app runs, with its pages served to any browser. */
async function main(): Promise<void> {
  if (!mallocTuned()) return void (await rerunTuned());
  let config;
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE()}`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(USAGE());
    return;
  }
  const log = createLogger(config.verbose);
  // Phones need HTTPS for the camera: serving the LAN without the user's certificate means our own.
  const lan = !isLoopbackAddress(config.host) && config.host !== 'localhost';
  const tls = config.tls ?? (lan ? await loadOrCreateCertificate(config.dataDir) : undefined);
  let server;
  try {
    server = await startServer({ ...config, tls, log });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(
      code === 'EADDRINUSE'
        ? `port ${config.port} on ${config.host} is in use (EADDRINUSE): pick another with --port\n`
        : `cannot start: ${(error as Error).message}\n`,
    );
    process.exit(1);
  }
  log.info(`CamLoop is serving ${server.url}/ (open it in a browser; POST ${server.url}/offer for aiortc clients)`);
  log.info(`control panel (this machine only): ${server.panelUrl}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: closing ${server.sessions.list().length} session(s)`);
    // Whatever hangs, the process is gone within 2 s.
    setTimeout(() => process.exit(0), 1800).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
