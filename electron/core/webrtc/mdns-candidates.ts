import { isIPv4 } from 'node:net';

/**
 * Browsers may hide their host addresses behind mDNS names (`<uuid>.local`), which werift resolves
 * by multicast DNS (often blocked on Wi-Fi), failing ICE at once. The phone's host candidate on the
 * network it reached our HTTP server from has that request's address, so `.local` host candidates
 * get it (ports kept). A wrong guess costs only a failed check (see docs/decisions.md, ICE).
 */
export function resolveMdnsCandidates(sdp: string, remoteAddress: string | undefined): string {
  const address = remoteAddress?.replace(/^::ffff:/, '');
  if (!address || !isIPv4(address)) return sdp;
  return sdp.replace(/^(a=candidate:\S+ \d+ \S+ \d+ )([\w-]+\.local)( \d+ typ host)/gim, `$1${address}$3`);
}
