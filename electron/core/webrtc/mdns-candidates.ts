import { isIPv4 } from 'node:net';

/**
 * Browsers hide their host addresses behind mDNS names (`<uuid>.local`) until the page has been
 * granted the camera, and some always do (Firefox with a remembered permission, privacy settings).
 * Werift resolves such names by multicast DNS, which a guest Wi-Fi or client isolation blocks, and
 * with no candidate left it fails ICE at once instead of waiting for the browser's checks.
 * The phone reached our HTTP server from an address of its own: its host candidate on that network
 * has the same address, so `.local` host candidates are given that address (their ports are theirs).
 * A wrong guess costs only a failed check; srflx and relay candidates carry real addresses anyway.
 */
export function resolveMdnsCandidates(sdp: string, remoteAddress: string | undefined): string {
  const address = remoteAddress?.replace(/^::ffff:/, '');
  if (!address || !isIPv4(address)) return sdp;
  return sdp.replace(/^(a=candidate:\S+ \d+ \S+ \d+ )([\w-]+\.local)( \d+ typ host)/gim, `$1${address}$3`);
}
