import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export interface Config {
  host: string;
  port: number;
  verbose: boolean;
  help: boolean;
  maxBitrate?: number;
  pluginsDir: string;
}

export const USAGE = () => `Usage: camloop [options]

Runs the CamLoop core headless: serves the camera page at / and answers WebRTC offers at POST /offer.

Options:
  --host HOST          address to listen on (default 127.0.0.1)
  --port PORT          port to listen on (default 8080; 0 picks a free one)
  --max-bitrate BPS    ceiling for the bitrate of the processed video (default: by resolution)
  --plugins DIR        folder of transform plugins, reloaded on change
                       (default: ${defaultPluginsDir()})
  -v, --verbose        debug logging
  -h, --help           show this help
`;

/** Command-line flags -> config; throws with a readable message on bad input. */
export function parseConfig(argv: string[]): Config {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'max-bitrate': { type: 'string' },
      plugins: { type: 'string' },
      verbose: { type: 'boolean', short: 'v', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535 (got ${values.port})`);
  const maxBitrate = values['max-bitrate'] === undefined ? undefined : Number(values['max-bitrate']);
  if (maxBitrate !== undefined && !(Number.isInteger(maxBitrate) && maxBitrate >= 100_000)) throw new Error('--max-bitrate must be an integer of at least 100000');
  return { host: values.host!, port, verbose: values.verbose!, help: values.help!, maxBitrate, pluginsDir: values.plugins ?? defaultPluginsDir() };
}

/** The user's config dir, as Electron's app.getPath('userData') would put it. */
export function defaultPluginsDir(): string {
  const home = homedir();
  const base =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (process.env.XDG_CONFIG_HOME ?? join(home, '.config'));
  return join(base, 'CamLoop', 'plugins');
}
