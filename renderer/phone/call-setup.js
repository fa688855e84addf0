// @ts-check
// The camera page's call setup: which phone this is, the ICE servers to use, the codec to prefer.

/**
 * The STUN/TURN servers CamLoop itself uses (with short-lived TURN credentials): a phone that can
 * reach CamLoop only through a relay (behind NAT, on mobile data) needs them on its side too.
 * @param {string | undefined} token  the pairing token
 * @param {number} timeoutMs
 */
export async function fetchIceServers(token, timeoutMs) {
  const query = token ? `?t=${encodeURIComponent(token)}` : '';
  try {
    const response = await fetch(`ice-servers${query}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return (await response.json()).iceServers ?? [];
  } catch {
    // The offer that follows reports what is wrong with the server.
  }
  return [];
}

/**
 * Puts `mimeType` (VP8, H264; 'default': the browser's order) first in the offer.
 * @param {RTCRtpTransceiver} transceiver
 * @param {string} mimeType
 */
export function preferCodec(transceiver, mimeType) {
  if (mimeType === 'default' || !RTCRtpSender.getCapabilities) return;
  const codecs = RTCRtpSender.getCapabilities('video').codecs;
  const preferred = codecs.filter((c) => c.mimeType === `video/${mimeType}`);
  const rest = codecs.filter((c) => c.mimeType !== `video/${mimeType}`);
  transceiver.setCodecPreferences([...preferred, ...rest]);
}

// Which phone this is, for CamLoop's memory of each camera's last filter: an id made once and kept
// in this browser's storage (nothing else about the phone), sent with each offer with the camera in
// use (front or back).
const KEY = 'camloop-device-id';

/** @returns {string} */
export function deviceId() {
  try {
    const kept = localStorage.getItem(KEY);
    if (kept && /^[\w-]{1,64}$/.test(kept)) return kept;
    const made = newId();
    localStorage.setItem(KEY, made);
    return made;
  } catch {
    // Storage off (a private window on some browsers): this page's own id, forgotten with it.
    return (fallback ??= newId());
  }
}

/** @type {string | undefined} */
let fallback;

function newId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
}
