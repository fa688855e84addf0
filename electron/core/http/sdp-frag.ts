import { HttpError } from '../base/http-error.js';
import type { TrickledCandidate } from '../webrtc/ice-config.js';

/** An `application/trickle-ice-sdpfrag` body (RFC 8840), as a WHIP/WHEP client PATCHes it. */
export interface SdpFragment {
  iceUfrag?: string;
  icePwd?: string;
  candidates: TrickledCandidate[];
  endOfCandidates: boolean;
}

export const MAX_SDPFRAG_BYTES = 16 * 1024;

/**
 * Parses a trickle-ice-sdpfrag. Session-level ice-ufrag/ice-pwd may also come inside an m= section
 * (RFC 8840 allows both); candidates belong to the m= section before them (its a=mid). Throws 400
 * for anything that is not one: the client is told what is wrong, the session is untouched.
 */
export function parseSdpFragment(text: string): SdpFragment {
  const fragment: SdpFragment = { candidates: [], endOfCandidates: false };
  let mLineIndex = -1;
  const mids: (string | undefined)[] = [];
  const lines = text.split(/\r?\n/).filter((line) => line !== '');
  if (lines.length === 0) throw new HttpError(400, 'the sdpfrag is empty');
  for (const line of lines) {
    if (!/^[a-z]=/.test(line)) throw new HttpError(400, `not an SDP line: ${JSON.stringify(line.slice(0, 80))}`);
    if (line.startsWith('m=')) {
      mLineIndex++;
    } else if (line.startsWith('a=mid:') && mLineIndex >= 0) mids[mLineIndex] = line.slice(6).trim();
    else if (line.startsWith('a=ice-ufrag:')) fragment.iceUfrag = line.slice(12).trim();
    else if (line.startsWith('a=ice-pwd:')) fragment.icePwd = line.slice(10).trim();
    else if (line === 'a=end-of-candidates') fragment.endOfCandidates = true;
    else if (line.startsWith('a=candidate:')) {
      const candidate = line.slice(2);
      // foundation component transport priority address port "typ" type
      if (!/^candidate:\S+ \d+ (udp|tcp) \d+ \S+ \d+ typ (host|srflx|prflx|relay)\b/i.test(candidate)) {
        throw new HttpError(400, `malformed candidate: ${JSON.stringify(candidate.slice(0, 120))}`);
      }
      if (mLineIndex < 0) throw new HttpError(400, 'a candidate before any m= line');
      fragment.candidates.push({ candidate, sdpMLineIndex: mLineIndex });
    }
  }
  // a=mid may come after the candidates of its section.
  for (const candidate of fragment.candidates) candidate.sdpMid = mids[candidate.sdpMLineIndex];
  return fragment;
}

/**
 * The offer an ICE restart by PATCH (RFC 9725 4.3.2) stands for: the client's last offer with the
 * fragment's new ufrag and pwd in every m= section and its candidates in their sections (the old ones
 * dropped). werift answers whole offers only.
 */
export function restartOffer(lastOffer: string, fragment: SdpFragment): string {
  const { iceUfrag, icePwd } = fragment;
  if (!iceUfrag || !icePwd) throw new HttpError(400, 'an ICE restart needs a=ice-ufrag and a=ice-pwd in the sdpfrag');
  return lastOffer
    .split(/(?=\r\nm=)/)
    .map((section, index) => {
      const candidates = fragment.candidates.filter((c) => c.sdpMLineIndex === index - 1).map((c) => `a=${c.candidate}`);
      return section
        .split('\r\n')
        .filter((line) => !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates')
        .flatMap((line) => {
          if (line.startsWith('a=ice-ufrag:')) return [`a=ice-ufrag:${iceUfrag}`];
          if (line.startsWith('a=ice-pwd:')) return [`a=ice-pwd:${icePwd}`, ...candidates];
          return [line];
        })
        .join('\r\n');
    })
    .join('');
}

/** Our side of a restarted ICE session as a trickle-ice-sdpfrag: the answer's new ufrag, pwd and first section's candidates. */
export function answerFragment(answer: string): string {
  const [, first = ''] = answer.split(/\r\n(?=m=)/);
  const lines = first.split('\r\n');
  const pick = (test: (line: string) => boolean) => lines.filter(test);
  return [
    ...pick((line) => line.startsWith('a=ice-ufrag:') || line.startsWith('a=ice-pwd:')),
    ...pick((line) => line.startsWith('m=') || line.startsWith('a=mid:') || line.startsWith('a=candidate:')),
    'a=end-of-candidates',
    '',
  ].join('\r\n');
}
