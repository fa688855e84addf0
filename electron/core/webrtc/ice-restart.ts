import type { RTCPeerConnection } from 'werift';
import { HttpError } from '../base/http-error.js';
import type { Logger } from '../base/log.js';
import { waitForGathering } from './ice-config.js';
import { renewIceSockets, startRestartedIce } from './werift-internals.js';

/** What an ICE restart must leave as it was: the m= lines (media, payload types) and their mids. */
function shape(sdp: string): string {
  return sdp
    .split(/\r?\n/)
    .filter((line) => line.startsWith('m=') || line.startsWith('a=mid:'))
    .map((line) => line.replace(/^(m=\S+) \d+/, '$1'))
    .join('\n');
}

const iceLine = (sdp: string, name: 'ufrag' | 'pwd') => sdp.match(new RegExp(`^a=ice-${name}:(\\S+)`, 'm'))?.[1];

/** Throws 400 unless `sdp` is the running call's offer again with new ICE credentials and nothing else changed. */
export function checkIceRestartOffer(pc: RTCPeerConnection, sdp: string): void {
  const current = pc.remoteDescription?.sdp;
  if (!current || pc.signalingState !== 'stable')
    throw new HttpError(409, 'the call is not set up yet: no ICE restart before its first answer');
  if (!sdp.startsWith('v=0')) throw new HttpError(400, 'the body is not a session description (must start with v=0)');
  const [ufrag, pwd] = [iceLine(sdp, 'ufrag'), iceLine(sdp, 'pwd')];
  if (!ufrag || !pwd || ufrag === iceLine(current, 'ufrag') || pwd === iceLine(current, 'pwd'))
    throw new HttpError(400, 'not an ICE restart: the offer needs a new ice-ufrag and ice-pwd');
  if (shape(sdp) !== shape(current))
    throw new HttpError(400, 'an ICE restart may change only ICE: the media sections differ from the call’s');
}

/**
 * Answers an offer that restarts ICE on the running call (a phone on a new network): the same DTLS,
 * SRTP, transceivers and SSRCs, on a new path. `connected` resolves once the new path is nominated.
 */
export async function answerIceRestart(pc: RTCPeerConnection, sdp: string): Promise<{ sdp: string; connected: Promise<void> }> {
  checkIceRestartOffer(pc, sdp);
  const before = new Map(pc.iceTransports.map((transport) => [transport, transport.iceRestarts]));
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp });
  } catch (error) {
    throw new HttpError(400, `cannot use this offer: ${error instanceof Error ? error.message : String(error)}`);
  }
  const restarted = pc.iceTransports.filter((transport) => transport.iceRestarts > (before.get(transport) ?? 0));
  renewIceSockets(restarted);
  await pc.setLocalDescription(await pc.createAnswer());
  await waitForGathering(pc);
  const connected = Promise.all(startRestartedIce(restarted)).then(() => undefined);
  return { sdp: pc.localDescription!.sdp, connected };
}

/**
 * A peer's ICE restarts, one at a time. `starting` runs as each begins (the departure watch waits for
 * the new path), `back` once the new path is nominated (both ways want a keyframe: what was sent
 * during the outage is lost, and waiting for NACKed packets costs seconds).
 */
export class IceRestarts {
  count = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly log: Logger,
    private readonly hooks: { starting(): void; back(): void },
  ) {}

  /** Our answer to the restart offer `sdp`; throws 400 (the call untouched) for an offer that is not one. */
  answer(sdp: string): Promise<string> {
    const restart = this.queue.then(async () => {
      checkIceRestartOffer(this.pc, sdp);
      this.hooks.starting();
      const { sdp: answer, connected } = await answerIceRestart(this.pc, sdp);
      const n = ++this.count;
      const started = Date.now();
      connected.then(
        () => {
          this.log.info(`ICE restart ${n}: connected in ${Date.now() - started} ms`);
          this.hooks.back();
        },
        (error: unknown) => this.log.warn(`ICE restart ${n} failed: ${error instanceof Error ? error.message : String(error)}`),
      );
      return answer;
    });
    this.queue = restart.catch(() => {});
    return restart;
  }
}
