import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { silentLogger, type Logger } from './log.js';

/** The settings file's format; a file with a higher version is from a newer CamLoop and is kept aside, not read. */
export const SETTINGS_VERSION = 1;

/** One phone camera's last filter, as the API took it (checked again when it is used). */
export interface CameraSetting {
  chain: unknown;
  /** When it was last set (ms since the epoch): the oldest are forgotten first. */
  at: number;
}

/** What stays across restarts. Absent: the default (made on start, or chosen by the user). */
export interface Settings {
  pairingToken?: string;
  viewerToken?: string;
  /** The address whose phone URL the panel shows. */
  network?: string;
  /** Where the panel's Record button writes. */
  recordingsDir?: string;
  /** By `<device id>/<facing>`. */
  cameras: Record<string, CameraSetting>;
}

/** Cameras remembered at most (the least recently set go first). */
export const MAX_CAMERAS = 64;
const TOKEN = /^[\w-]{16,128}$/;

/**
 * settings.json in the config dir. Written whole, atomically (a temp file renamed over the old:
 * a crash leaves the old file or the new one, never half of one). A file that cannot be read as
 * this version's settings (truncated, empty, binary, a bad field, a newer version) is renamed aside,
 * never deleted; CamLoop starts on the defaults (keeping the fields that were valid) and `problem`
 * says what happened. Without a path, settings live in memory only.
 */
export class SettingsStore {
  /** Why the file was set aside on load, for the log and the panel; undefined when it loaded fine. */
  problem?: string;
  private data: Settings = { cameras: {} };
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private writable = true;

  private constructor(
    readonly path: string | undefined,
    private readonly log: Logger,
  ) {}

  static async open(path?: string, log: Logger = silentLogger): Promise<SettingsStore> {
    const store = new SettingsStore(path, log);
    if (path) await store.load(path);
    return store;
  }

  get settings(): Readonly<Settings> {
    return this.data;
  }

  /** Changes some settings and saves them (coalesced: one write at a time, the latest state wins). */
  update(change: Partial<Settings>): Promise<void> {
    this.data = { ...this.data, ...change };
    const cameras = Object.entries(this.data.cameras);
    if (cameras.length > MAX_CAMERAS)
      this.data.cameras = Object.fromEntries(cameras.sort((a, b) => b[1].at - a[1].at).slice(0, MAX_CAMERAS));
    return this.save();
  }

  /** Resolves once what was changed so far is on disk (or its write failed: logged; the next change tries again). */
  save(): Promise<void> {
    if (!this.path || !this.writable) return Promise.resolve();
    this.dirty = true;
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const text = `${JSON.stringify({ version: SETTINGS_VERSION, ...this.data }, null, 2)}\n`;
      await writeAtomically(this.path!, text).catch((error: Error) => this.log.warn(`cannot save the settings: ${error.message}`));
    });
    return this.writing;
  }

  private async load(path: string): Promise<void> {
    let parsed: ReturnType<typeof parseSettings>;
    try {
      parsed = parseSettings(await readFile(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      parsed = { settings: { cameras: {} }, problems: [`cannot be read (${(error as NodeJS.ErrnoException).code})`], future: false };
    }
    const { settings, problems, future } = parsed;
    this.data = settings;
    if (!problems.length) return;
    const aside = `${path}.${future ? 'newer' : 'unreadable'}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(path, aside);
      this.problem = `${path} ${problems.join('; ')}: kept as ${aside}; CamLoop started on defaults${future ? '' : ' for what it could not read'}`;
    } catch (error) {
      // Never written over: this run's settings stay in memory.
      this.writable = false;
      this.problem = `${path} ${problems.join('; ')} and cannot be moved aside (${(error as NodeJS.ErrnoException).code}): settings are not saved this run`;
    }
  }
}

/** The settings a file's text holds, with what was wrong with it (each wrong field falls back to its default). */
export function parseSettings(text: string): { settings: Settings; problems: string[]; future: boolean } {
  const settings: Settings = { cameras: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { settings, problems: [text.trim() ? 'is not JSON' : 'is empty'], future: false };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { settings, problems: ['is not an object'], future: false };
  const fields = raw as Record<string, unknown>;
  if (typeof fields.version === 'number' && fields.version > SETTINGS_VERSION)
    return { settings, problems: [`is from a newer CamLoop (version ${fields.version})`], future: true };
  const problems: string[] = [];
  if (fields.version !== SETTINGS_VERSION) problems.push(`has no valid version (${JSON.stringify(fields.version)})`);
  const stringField = (name: 'pairingToken' | 'viewerToken' | 'network' | 'recordingsDir', valid: (value: string) => boolean) => {
    const value = fields[name];
    if (value === undefined) return;
    if (typeof value === 'string' && valid(value)) settings[name] = value;
    else problems.push(`has an invalid ${name}`);
  };
  stringField('pairingToken', (value) => TOKEN.test(value));
  stringField('viewerToken', (value) => TOKEN.test(value));
  stringField('network', (value) => value.length > 0 && value.length < 64);
  stringField('recordingsDir', (value) => value.length > 0 && value.length < 4096);
  const cameras = fields.cameras ?? {};
  if (typeof cameras !== 'object' || cameras === null || Array.isArray(cameras)) problems.push('has invalid cameras');
  else
    for (const [key, value] of Object.entries(cameras)) {
      const entry = value as Partial<CameraSetting> | null;
      if (/^[\w-]{1,64}\/(user|environment)$/.test(key) && typeof entry?.at === 'number' && entry.chain !== undefined)
        settings.cameras[key] = { chain: entry.chain, at: entry.at };
      else problems.push(`has an invalid camera ${JSON.stringify(key).slice(0, 80)}`);
    }
  return { settings, problems, future: false };
}

/** Writes `text` to a temp file beside `path`, flushed to the disk, then renames it over `path`. */
export async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
