import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AudioMode } from '../audio/session-audio.js';
import { DEFAULT_PYTHON } from '../python/python-process.js';
import { IceServers } from '../webrtc/ice-servers.js';
import { DEFAULT_MAX_PIXELS } from '../media/picture-size.js';

export interface Config {
  host: string;
  port: number;
  verbose: boolean;
  help: boolean;
  maxBitrate?: number;
  /** Refuse a camera that would bring every camera under this frame rate. */
  minFps?: number;
  pluginsDir: string;
  /** The config dir: settings.json (pairing and viewer tokens, each phone camera's filter...), the certificate, plugins. */
  dataDir: string;
  /** The interpreter for .py plugins. */
  python: string;
  /** PEM certificate + key: serve HTTPS (aiortc's --cert-file / --key-file). */
  tls?: { cert: string; key: string };
  /** Record what each camera sends to this file (sessions after the first get -2, -3...). */
  recordTo?: string;
  iceServers: IceServers;
  audio: AudioMode;
  /** The largest picture decoded (pixels): a camera sending larger is refused. */
  maxPixels: number;
}

export const USAGE = () => `Usage: camloop [options]

Runs the CamLoop core headless: serves the camera page at / and answers WebRTC offers at POST /offer
(the body of aiortc's examples/server, whose client works unmodified).

Options:
  --host HOST            address to listen on (default 127.0.0.1)
  --port PORT            port to listen on (default 8080; 0 picks a free one)
  --cert-file FILE       PEM certificate: serve HTTPS (phones need it for the camera). Without
                         it, a --host other than loopback gets a self-signed certificate made
                         on first run and kept in --data-dir
  --key-file FILE        PEM private key for --cert-file
  --data-dir DIR         where CamLoop keeps its settings (tokens, each phone camera's filter, the
                         chosen network), its certificate and (by default) plugins
                         (default: ${defaultDataDir()})
  --record-to FILE       record what each camera sends (video, and audio when present) to FILE
                         (.webm, .mkv or .mp4; a codec the container cannot hold goes to .mkv
                         instead); further sessions write FILE-2, FILE-3, ...
  --stun URL             STUN server for the server's ICE candidates (repeatable),
                         e.g. stun:stun.example.org:3478
  --turn URL             TURN server (repeatable), e.g. turn:turn.example.org:3478
  --turn-username NAME   credentials for --turn
  --turn-password PASS
  --turn-secret SECRET   coturn's static-auth-secret instead: short-lived credentials (TURN REST)
                         made for each peer; the camera page gets the same ICE servers
  --audio MODE           when the caller offers audio: loop (play the bundled sound, default)
                         or echo (send the caller's microphone back)
  --max-bitrate BPS      ceiling for the bitrate of the video sent back, every camera (default: what
                         the link and the picture size allow; the panel can set lower per camera)
  --min-fps N            refuse a new camera (503) when, by this machine's measured load, every
                         camera would get fewer frames per second with it (default 5)
  --max-pixels N|WxH     the largest picture a camera may send (default 1920x1088, 1080p either way
                         round); larger ones are refused with an error on the session, not decoded
  --plugins DIR          folder of transform plugins (.js, .mjs, .py, .graph.json), reloaded on change
                         (default: plugins in --data-dir)
  --python PATH          Python 3 for .py plugins, with numpy (and cv2 for cv2 code)
                         (default: python3 on PATH)
  -v, --verbose          debug logging (ICE, signaling, keyframe requests)
  -h, --help             show this help
`;

/** Command-line flags -> config; throws with a readable message on bad input. */
export function parseConfig(argv: string[]): Config {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'cert-file': { type: 'string' },
      'key-file': { type: 'string' },
      'record-to': { type: 'string' },
      stun: { type: 'string', multiple: true, default: [] },
      turn: { type: 'string', multiple: true, default: [] },
      'turn-username': { type: 'string' },
      'turn-password': { type: 'string' },
      'turn-secret': { type: 'string' },
      audio: { type: 'string', default: 'loop' },
      'max-bitrate': { type: 'string' },
      'min-fps': { type: 'string' },
      'max-pixels': { type: 'string' },
      plugins: { type: 'string' },
      'data-dir': { type: 'string' },
      python: { type: 'string', default: DEFAULT_PYTHON },
      verbose: { type: 'boolean', short: 'v', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535 (got ${values.port})`);
  const maxBitrate = values['max-bitrate'] === undefined ? undefined : Number(values['max-bitrate']);
  if (maxBitrate !== undefined && !(Number.isInteger(maxBitrate) && maxBitrate >= 100_000))
    throw new Error('--max-bitrate must be an integer of at least 100000');
  const minFps = values['min-fps'] === undefined ? undefined : Number(values['min-fps']);
  if (minFps !== undefined && !(minFps >= 0 && minFps <= 30)) throw new Error('--min-fps must be a number from 0 to 30');
  const maxPixels = parseMaxPixels(values['max-pixels']);
  if (values.audio !== 'loop' && values.audio !== 'echo') throw new Error(`--audio must be loop or echo (got ${values.audio})`);
  const recordTo = values['record-to'];
  if (recordTo !== undefined && !/\.(webm|mkv|mp4)$/i.test(recordTo)) throw new Error('--record-to must end in .webm, .mkv or .mp4');
  return {
    host: values.host!,
    port,
    verbose: values.verbose!,
    help: values.help!,
    maxBitrate,
    minFps,
    pluginsDir: values.plugins ?? join(values['data-dir'] ?? defaultDataDir(), 'plugins'),
    dataDir: values['data-dir'] ?? defaultDataDir(),
    python: values.python!,
    tls: readTls(values['cert-file'], values['key-file']),
    recordTo,
    iceServers: iceServers(values.stun!, values.turn!, values['turn-username'], values['turn-password'], values['turn-secret']),
    audio: values.audio,
    maxPixels,
  };
}

/** `N` pixels or `WxH`; at least 320x240 (below it no camera would be served). */
function parseMaxPixels(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_PIXELS;
  const size = /^(\d+)x(\d+)$/i.exec(value);
  const pixels = size ? Number(size[1]) * Number(size[2]) : Number(value);
  if (!Number.isSafeInteger(pixels) || pixels < 320 * 240)
    throw new Error(`--max-pixels must be a pixel count or WxH of at least 320x240 (got ${value})`);
  return pixels;
}

function readTls(certFile: string | undefined, keyFile: string | undefined): Config['tls'] {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('--cert-file and --key-file go together');
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`, { cause: error });
    }
  };
  return { cert: read(certFile, '--cert-file'), key: read(keyFile, '--key-file') };
}

function iceServers(stun: string[], turn: string[], username?: string, password?: string, secret?: string): IceServers {
  for (const url of stun) if (!/^stuns?:[^\s]+$/.test(url)) throw new Error(`--stun must look like stun:host[:port] (got ${url})`);
  for (const url of turn) if (!/^turns?:[^\s]+$/.test(url)) throw new Error(`--turn must look like turn:host[:port] (got ${url})`);
  if (secret !== undefined && (username !== undefined || password !== undefined))
    throw new Error('--turn-secret makes the credentials: leave out --turn-username and --turn-password');
  if (secret !== undefined && !turn.length) throw new Error('--turn-secret needs a --turn URL');
  if (secret === '') throw new Error('--turn-secret must not be empty');
  if (turn.length && secret === undefined && (!username || !password))
    throw new Error('--turn needs --turn-secret, or --turn-username and --turn-password');
  return new IceServers({ stun, turn, username, password, secret });
}

/** CamLoop's folder in the user's config dir (as Electron's app.getPath('userData') puts it). */
export function defaultDataDir(): string {
  const home = homedir();
  const base =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (process.env.XDG_CONFIG_HOME ?? join(home, '.config'));
  return join(base, 'CamLoop');
}
