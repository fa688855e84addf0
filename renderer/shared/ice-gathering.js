// @ts-check
// Non-trickle signaling, as CamLoop's /offer takes it: the offer goes out with every candidate.

/**
 * Resolves when the connection has gathered its candidates, or after `capMs` (a STUN or TURN
 * server that never answers must not hold the call up: what was gathered by then goes).
 * @param {RTCPeerConnection} connection
 * @param {number} [capMs]
 * @returns {Promise<void>}
 */
export function waitForIceGathering(connection, capMs = Infinity) {
  if (connection.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      connection.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => connection.iceGatheringState === 'complete' && done();
    const timer = Number.isFinite(capMs) ? setTimeout(done, capMs) : undefined;
    connection.addEventListener('icegatheringstatechange', check);
  });
}
