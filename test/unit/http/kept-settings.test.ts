import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CamLoopServer } from '../../../electron/core/http/server.js';
import { api, startTestServer } from '../../support/server.js';

let dataDir: string;
before(async () => (dataDir = await mkdtemp(join(tmpdir(), 'camloop-kept-'))));
after(() => rm(dataDir, { recursive: true, force: true }));

/** Runs `use` on a core started on `dir`, then stops it (as quitting the app does). */
async function withServer<T>(dir: string, use: (server: CamLoopServer) => Promise<T>): Promise<T> {
  const server = await startTestServer({ dataDir: dir });
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}

const json = async (response: Response) => {
  assert.ok(response.ok, `${response.status} ${await response.clone().text()}`);
  return response.json();
};

describe('settings kept in the config dir', () => {
  it('tokens survive a restart; each rotation is kept, and the next start uses the new token', async () => {
    const first = await withServer(dataDir, async (server) => ({ ...server.access }));
    const kept = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'));
    assert.equal(kept.pairingToken, first.pairingToken);
    assert.equal(kept.viewerToken, first.viewerToken);

    const rotated = await withServer(dataDir, async (server) => {
      assert.equal(server.access.pairingToken, first.pairingToken, 'the same pairing token after a restart');
      assert.equal(server.access.viewerToken, first.viewerToken, 'the same viewer token after a restart');
      assert.notEqual(server.access.controlToken, first.controlToken, 'the control token is per run');
      const pairing = await json(await api(server, '/api/pairing/rotate', { method: 'POST' }));
      const viewer = await json(await api(server, '/api/viewer-token/rotate', { method: 'POST' }));
      assert.notEqual(pairing.token, first.pairingToken);
      assert.notEqual(viewer.viewerToken, first.viewerToken);
      assert.equal(viewer.endedPlayers, 0);
      return { pairingToken: pairing.token, viewerToken: viewer.viewerToken };
    });

    await withServer(dataDir, async (server) => {
      assert.equal(server.access.pairingToken, rotated.pairingToken);
      assert.equal(server.access.viewerToken, rotated.viewerToken);
      // The chosen network and recordings folder are kept too; bad values are refused.
      const put = (body: unknown) =>
        api(server, '/api/settings', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      await json(await put({ network: '192.168.1.5', recordingsDir: '/tmp/camloop-videos' }));
      assert.equal((await put({ recordingsDir: 'relative/path' })).status, 400);
      assert.equal((await put({ network: '<script>' })).status, 400);
      assert.equal((await put({ colour: 'red' })).status, 400);
      assert.equal((await fetch(`${server.url}/api/settings`)).status, 401, 'the control token is needed');
    });
    await withServer(dataDir, async (server) => {
      const settings = await json(await api(server, '/api/settings'));
      assert.deepEqual(
        { network: settings.network, recordingsDir: settings.recordingsDir, problem: settings.problem },
        { network: '192.168.1.5', recordingsDir: '/tmp/camloop-videos', problem: null },
      );
      assert.equal((await json(await api(server, '/api/pairing'))).network, '192.168.1.5');
    });
  });

  it('a corrupt settings file: the core starts on defaults, says why in /api/settings, and keeps the file aside', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camloop-corrupt-'));
    try {
      await writeFile(join(dir, 'settings.json'), '{"version": 1, "pairingTok');
      await withServer(dir, async (server) => {
        const settings = await json(await api(server, '/api/settings'));
        assert.match(settings.problem, /is not JSON: kept as .*settings\.json\.unreadable-/);
        assert.ok(server.access.pairingToken.length >= 16, 'a new pairing token');
      });
      const names = await readdir(dir);
      const aside = names.find((name) => name.startsWith('settings.json.unreadable-'))!;
      assert.equal(await readFile(join(dir, aside), 'utf8'), '{"version": 1, "pairingTok');
      assert.ok(names.includes('settings.json'), 'new settings written');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
