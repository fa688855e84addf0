import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { lanAddresses } from './lan.js';

export interface TlsFiles {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, for the desktop window to trust exactly this certificate. */
  fingerprint: string;
}

/**
 * Phones only give a camera to a secure context, so the LAN server speaks HTTPS. Without the
 * user's own certificate, CamLoop makes a self-signed one on first run (for localhost and this
 * machine's LAN addresses) and keeps it in `dir`, so phones that accepted it once keep trusting it.
 * A new one is made when it expires or when the LAN addresses it names have changed.
 */
export async function loadOrCreateCertificate(dir: string): Promise<TlsFiles> {
  const certPath = join(dir, 'camloop-cert.pem');
  const keyPath = join(dir, 'camloop-key.pem');
  const addresses = lanAddresses().map((a) => a.address);
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    const x509 = new X509Certificate(cert);
    const valid = new Date(x509.validTo).getTime() > Date.now() + 86_400_000;
    if (valid && addresses.every((ip) => x509.checkIP(ip))) return { cert, key, fingerprint: x509.fingerprint256 };
  } catch {
    // none yet, or unreadable: make a new one
  }
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'CamLoop' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 86_400_000),
    notAfterDate: new Date(now.getTime() + 825 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, ...addresses.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  await mkdir(dir, { recursive: true });
  await writeFile(certPath, pems.cert);
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private, fingerprint: new X509Certificate(pems.cert).fingerprint256 };
}
