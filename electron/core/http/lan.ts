import { networkInterfaces } from 'node:os';

export interface LanAddress {
  interface: string;
  address: string;
}

/** IPv4 addresses a phone on the same network can reach (not loopback, not link-local). */
export function lanAddresses(): LanAddress[] {
  const out: LanAddress[] = [];
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) out.push({ interface: name, address: a.address });
    }
  }
  return out;
}

/** The URL a phone opens: the camera page, with the pairing token. */
/** Where a WHIP publisher (OBS, FFmpeg, GStreamer) sends its video; its Bearer token is the pairing token. */
export function whipUrl(scheme: 'http' | 'https', address: string, port: number): string {
  return `${scheme}://${address.includes(':') ? `[${address}]` : address}:${port}/whip`;
}

export function phoneUrl(scheme: 'http' | 'https', address: string, port: number, token: string): string {
  return `${scheme}://${address}:${port}/?t=${encodeURIComponent(token)}`;
}
