// @ts-check
// Keeps the running call when the phone's network changes (Wi-Fi to mobile data, a new DHCP lease):
// an ICE restart on the same call, so the session, its filter, recording and viewers carry on.

/** Nothing received this long while connected: the path is gone (Chrome says 'disconnected' only after 5-8 s). */
const STALL_MS = 1200;
/** 'disconnected' this long is a lost path too (a browser that says so early, as Firefox does). */
const DISCONNECTED_MS = 1500;
/** Restarts that did not bring the path back before the page calls anew (a new session, as before). */
const MAX_TRIES = 3;
const GIVE_UP_MS = 15_000;

/**
 * Watches a connected call and restarts ICE when its path is lost; `onGiveUp(error)` when restarts
 * keep failing or the session is gone (the caller then calls anew). Returns the stop.
 * @param {RTCPeerConnection} pc
 * @param {{ id: string, secret: string }} session  from the first answer
 * @param {{ token?: string, onRestarting: () => void, onBack: () => void, onGiveUp: (error: Error & { status?: number }) => void }} hooks
 */
export function keepPath(pc, session, hooks) {
  let last = -1;
  let since = performance.now();
  let disconnectedSince = 0;
  let busy = false;
  let tries = 0;
  let firstTryAt = 0;
  const timer = setInterval(() => void check().catch(() => {}), 250);
  const stop = () => clearInterval(timer);

  async function check() {
    if (busy || pc.connectionState === 'closed') return;
    const bytes = await bytesReceived(pc);
    const now = performance.now();
    const state = pc.connectionState;
    disconnectedSince = state === 'disconnected' ? disconnectedSince || now : 0;
    if (bytes !== last && state !== 'failed') {
      last = bytes;
      since = Math.max(since, now);
      if (tries > 0) {
        tries = 0;
        hooks.onBack();
      }
      return;
    }
    const lost = state === 'failed' || (disconnectedSince > 0 && now - disconnectedSince > DISCONNECTED_MS) || now - since > STALL_MS;
    if (last > 0 && lost) await restart(now);
  }

  /** @param {number} now */
  async function restart(now) {
    if (tries === 0) firstTryAt = now;
    if (tries >= MAX_TRIES || now - firstTryAt > GIVE_UP_MS) {
      stop();
      return hooks.onGiveUp(new Error('the network did not come back'));
    }
    busy = true;
    tries++;
    hooks.onRestarting();
    try {
      // A request on a keep-alive connection from the old address can hang: short, growing timeouts.
      await restartIce(pc, session, hooks.token, 1000 * 2 ** tries);
    } catch (caught) {
      const error = /** @type {Error & { status?: number }} */ (caught);
      // The session is gone (too long away), ended, or refuses: a new call.
      if (error.status && error.status >= 400 && error.status < 500) {
        stop();
        return hooks.onGiveUp(error);
      }
    } finally {
      busy = false;
    }
    // The next judgement waits for the new path to be checked, longer after each try.
    since = performance.now() + 500 * 2 ** tries;
  }
  return stop;
}

/**
 * One ICE restart: the offer goes to CamLoop BEFORE setLocalDescription, so the browser starts
 * checking only once it knows CamLoop's new credentials (after, it checks with the old ones
 * meanwhile, may settle on that, and then needs ~2.5 s to move off it).
 * @param {RTCPeerConnection} pc
 * @param {{ id: string, secret: string }} session
 * @param {string | undefined} token
 * @param {number} timeoutMs
 */
async function restartIce(pc, session, token, timeoutMs) {
  pc.restartIce();
  const offer = await pc.createOffer();
  const response = await fetch(`api/sessions/${encodeURIComponent(session.id)}/ice`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sdp: offer.sdp, type: 'offer', secret: session.secret, token }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(answer.error ?? `server answered ${response.status}`), { status: response.status });
  await pc.setLocalDescription(offer);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
}

/**
 * Everything the call's transport received ('transport' in Chrome and Safari, RTCP and data included;
 * Firefox has only the RTP streams').
 * @param {RTCPeerConnection} pc
 */
async function bytesReceived(pc) {
  let transport = 0;
  let rtp = 0;
  (await pc.getStats()).forEach((stat) => {
    if (stat.type === 'transport') transport += stat.bytesReceived ?? 0;
    if (stat.type === 'inbound-rtp') rtp += stat.bytesReceived ?? 0;
  });
  return transport || rtp;
}
