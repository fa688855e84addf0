import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { request } from 'node:https';
import { silentLogger } from '../../../electron/core/base/log.js';
import { startServer } from '../../../electron/core/http/server.js';
import { loadOrCreateCertificate } from '../../../electron/core/http/tls.js';

it('makes a self-signed certificate on first run, keeps it, and serves HTTPS with it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'camloop-tls-'));
  try {
    const first = await loadOrCreateCertificate(dir);
    const again = await loadOrCreateCertificate(dir);
    assert.equal(again.fingerprint, first.fingerprint, 'persisted, not regenerated');
    const x509 = new X509Certificate(first.cert);
    assert.ok(x509.checkIP('127.0.0.1'));
    assert.ok(new Date(x509.validTo).getTime() > Date.now() + 365 * 86_400_000);
    assert.equal((await stat(join(dir, 'camloop-key.pem'))).mode & 0o077, 0, 'the key is private to the user');

    const server = await startServer({ host: '127.0.0.1', port: 0, log: silentLogger, tls: first });
    try {
      assert.match(server.url, /^https:/);
      const seen = await new Promise<string>((resolve, reject) => {
        const req = request(`${server.url}/api/transforms`, { ca: first.cert }, (res) => {
          const peer = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate();
          resolve(peer?.fingerprint256 ?? '');
          res.resume();
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(seen, first.fingerprint);
      // The help page and the certificate itself are offered, so users can trust it for good.
      const get = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          request(`${server.url}${path}`, { ca: first.cert }, (res) => {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          })
            .on('error', reject)
            .end();
        });
      assert.equal((await get('/camloop-cert.pem')).body, first.cert);
      const help = await get('/certificate');
      assert.equal(help.status, 200);
      assert.match(help.body, /Advanced/);
    } finally {
      await server.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
