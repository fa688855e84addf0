import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_CAMERAS, SETTINGS_VERSION, SettingsStore } from '../../../electron/core/base/settings-store.js';

let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), 'camloop-settings-'))));
after(() => rm(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh folder with settings.json holding `content` (or none). */
async function settingsFile(content?: string | Buffer): Promise<{ folder: string; path: string }> {
  const folder = join(dir, `case-${n++}`);
  const path = join(folder, 'settings.json');
  if (content !== undefined) {
    await import('node:fs/promises').then((fs) => fs.mkdir(folder, { recursive: true }));
    await writeFile(path, content);
  }
  return { folder, path };
}

const TOKEN = 'abcdefghijklmnopqrstuvwx';

describe('SettingsStore', () => {
  it('no file: defaults, no problem; a change is written whole, versioned, readable only by the user, with no temp file left', async () => {
    const { folder, path } = await settingsFile();
    const store = await SettingsStore.open(path);
    assert.deepEqual(store.settings, { cameras: {} });
    assert.equal(store.problem, undefined);
    await store.update({ pairingToken: TOKEN, network: '192.168.1.5' });
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {
      version: SETTINGS_VERSION,
      cameras: {},
      pairingToken: TOKEN,
      network: '192.168.1.5',
    });
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(folder), ['settings.json']);
    const again = await SettingsStore.open(path);
    assert.equal(again.settings.pairingToken, TOKEN);
    assert.equal(again.problem, undefined);
  });

  it('writes atomically: a reader never sees a partial file, however the writes and reads interleave', async () => {
    const { path } = await settingsFile();
    const store = await SettingsStore.open(path);
    // Big enough that a non-atomic write would be seen empty or cut (open with O_TRUNC, then write, then close).
    const cameras = Object.fromEntries(
      Array.from({ length: MAX_CAMERAS }, (_, i) => [`phone-${i}/user`, { chain: [{ id: 'blur', params: { size: i } }], at: i }]),
    );
    await store.update({ cameras });
    let reads = 0;
    let partial = 0;
    for (let round = 0; round < 150; round++) {
      const writing = store.update({ network: `10.0.0.${round % 250}` });
      // Read as often as the event loop lets us while the write's steps (open, write, sync, close, rename) run.
      let done = false;
      void writing.then(() => (done = true));
      while (!done) {
        try {
          JSON.parse(readFileSync(path, 'utf8'));
        } catch {
          partial++;
        }
        reads++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    assert.ok(reads > 150, `${reads} reads`);
    assert.equal(partial, 0, `${partial} of ${reads} reads saw a partial file`);
  });

  for (const [what, content] of [
    ['truncated', `{"version": ${SETTINGS_VERSION}, "pairingToken": "${TOKEN}", "cam`],
    ['empty', ''],
    ['binary', Buffer.from([0, 159, 146, 150, 255, 0, 1, 2, 3])],
    ['not an object', '[1, 2, 3]'],
  ] as const) {
    it(`a ${what} file is kept aside byte for byte; CamLoop starts on defaults and says so`, async () => {
      const { folder, path } = await settingsFile(content);
      const store = await SettingsStore.open(path);
      assert.deepEqual(store.settings, { cameras: {} });
      assert.match(store.problem ?? '', /kept as .*settings\.json\.unreadable-/);
      const aside = (await readdir(folder)).filter((name) => name.startsWith('settings.json.unreadable-'));
      assert.equal(aside.length, 1);
      assert.deepEqual(await readFile(join(folder, aside[0])), Buffer.from(content));
      // The next save makes a new file; the one kept aside stays.
      await store.update({ network: '10.0.0.1' });
      assert.equal(JSON.parse(readFileSync(path, 'utf8')).network, '10.0.0.1');
      assert.deepEqual(await readFile(join(folder, aside[0])), Buffer.from(content));
    });
  }

  it('a hand-edited file with a bad field: kept aside, the valid fields are used, the bad ones are defaults', async () => {
    const text = JSON.stringify({
      version: SETTINGS_VERSION,
      pairingToken: TOKEN,
      viewerToken: 42,
      network: '192.168.1.5',
      cameras: { 'phone-1/user': { chain: [{ id: 'edges' }], at: 1 }, 'bad key': { chain: [], at: 1 } },
    });
    const { folder, path } = await settingsFile(text);
    const store = await SettingsStore.open(path);
    assert.equal(store.settings.pairingToken, TOKEN);
    assert.equal(store.settings.viewerToken, undefined);
    assert.equal(store.settings.network, '192.168.1.5');
    assert.deepEqual(Object.keys(store.settings.cameras), ['phone-1/user']);
    assert.match(store.problem ?? '', /invalid viewerToken.*invalid camera/);
    const aside = (await readdir(folder)).find((name) => name.startsWith('settings.json.unreadable-'))!;
    assert.equal(await readFile(join(folder, aside), 'utf8'), text);
  });

  it('a file from a newer CamLoop is kept aside unread (its fields may mean something else): all defaults', async () => {
    const text = JSON.stringify({ version: SETTINGS_VERSION + 1, pairingToken: TOKEN, cameras: {} });
    const { folder, path } = await settingsFile(text);
    const store = await SettingsStore.open(path);
    assert.deepEqual(store.settings, { cameras: {} });
    assert.match(store.problem ?? '', /newer CamLoop \(version 2\).*kept as/);
    const aside = (await readdir(folder)).find((name) => name.startsWith('settings.json.newer-'))!;
    assert.equal(await readFile(join(folder, aside), 'utf8'), text);
  });

  it(`remembers at most ${MAX_CAMERAS} cameras, forgetting the least recently set`, async () => {
    const { path } = await settingsFile();
    const store = await SettingsStore.open(path);
    const cameras = Object.fromEntries(Array.from({ length: MAX_CAMERAS + 5 }, (_, i) => [`p${i}/user`, { chain: 'none', at: i }]));
    await store.update({ cameras });
    const kept = Object.keys((await SettingsStore.open(path)).settings.cameras);
    assert.equal(kept.length, MAX_CAMERAS);
    assert.ok(!kept.includes('p0/user') && kept.includes(`p${MAX_CAMERAS + 4}/user`));
  });

  it('without a path, settings live in memory only', async () => {
    const store = await SettingsStore.open();
    await store.update({ network: '10.0.0.1' });
    assert.equal(store.settings.network, '10.0.0.1');
  });
});
