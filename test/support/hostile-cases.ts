import { GenericNack, PictureLossIndication, RtcpPayloadSpecificFeedback, RtcpTransportLayerFeedback } from 'werift';
import type { Clip, ClipCodec } from './clip.js';
import type { FrameSource, HostilePeer, RawRtcp } from './hostile-peer.js';
import { clipSource, halved, hugeKeyframe, randomH264, randomVp8, sizeChurn } from './hostile-sources.js';

/** The clips the cases send: good video in each codec, a few sizes of it, and a 4K one. */
export interface CaseClips {
  vp8: Clip;
  h264: Clip;
  sizes: Clip[];
  uhd: Clip;
}

/**
 * One way to misbehave over a valid call. `start` begins it on a connected peer (which sends good
 * video until then) and returns what ends it; the peer then sends good video again.
 */
export interface HostileCase {
  name: string;
  codec: ClipCodec;
  start(peer: HostilePeer, clips: CaseClips): () => void;
}

/** Calls `send(n)` with the number of events due at `perSecond` since it started, every 10 ms; returns its stop. */
function paced(perSecond: number, send: (count: number) => void): () => void {
  const start = performance.now();
  let done = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - start) * perSecond) / 1000);
    if (due > done) send(due - done);
    done = due;
  }, 10);
  return () => clearInterval(timer);
}

/** An RTCP FIR (RFC 5104) asking `mediaSsrc` for a keyframe (werift does not export its class). */
function fir(senderSsrc: number, mediaSsrc: number, seqNr: number): RawRtcp {
  const bytes = Buffer.alloc(20);
  bytes[0] = 0x84;
  bytes[1] = 206;
  bytes.writeUInt16BE(4, 2);
  bytes.writeUInt32BE(senderSsrc, 4);
  bytes.writeUInt32BE(mediaSsrc, 12);
  bytes[16] = seqNr & 0xff;
  return { serialize: () => bytes };
}

/** A media case: the peer sends `source` until it ends. */
const sending = (make: (clips: CaseClips) => FrameSource) => (peer: HostilePeer, clips: CaseClips) => {
  peer.use(make(clips));
  return () => {};
};

export const HOSTILE_CASES: HostileCase[] = [
  { name: 'random VP8 payloads', codec: 'vp8', start: sending(() => randomVp8()) },
  { name: 'random H.264 payloads', codec: 'h264', start: sending(() => randomH264()) },
  { name: 'keyframe claiming 16383x16383', codec: 'vp8', start: sending((c) => hugeKeyframe(c.vp8, 16383, 16383)) },
  // The largest picture FFmpeg's image-size check lets through (16383x16383 it refuses): 262 Mpixel.
  { name: 'keyframe claiming 16383x16000', codec: 'vp8', start: sending((c) => hugeKeyframe(c.vp8, 16383, 16000)) },
  { name: 'frames cut in half, marked', codec: 'vp8', start: sending((c) => halved(clipSource(c.vp8, 'vp8'), true)) },
  { name: 'frames cut in half, unmarked', codec: 'vp8', start: sending((c) => halved(clipSource(c.vp8, 'vp8'), false)) },
  { name: '10x rate (300 fps, ~15 Mbps)', codec: 'vp8', start: sending((c) => clipSource(c.vp8, 'vp8', 300)) },
  { name: 'new resolution every second', codec: 'vp8', start: sending((c) => sizeChurn(c.sizes)) },
  { name: '4K VP8 (3840x2160)', codec: 'vp8', start: sending((c) => clipSource(c.uhd, 'vp8')) },
  {
    name: 'PLI+FIR 1000/s',
    codec: 'vp8',
    start: (peer) => {
      let seqNr = 0;
      return paced(1000, (count) => {
        if (peer.serverSsrc === undefined) return;
        const requests = Array.from({ length: count }, (_, i) =>
          i % 2
            ? fir(peer.ssrc, peer.serverSsrc!, seqNr++)
            : new RtcpPayloadSpecificFeedback({
                feedback: new PictureLossIndication({ senderSsrc: peer.ssrc, mediaSsrc: peer.serverSsrc }),
              }),
        );
        // A compound of at most 50 (~600 bytes) per datagram.
        for (let at = 0; at < requests.length; at += 50) void peer.sendRtcp(requests.slice(at, at + 50)).catch(() => {});
      });
    },
  },
  {
    name: 'NACK every packet, 50/s',
    codec: 'vp8',
    start: (peer) =>
      paced(50, () => {
        const { serverSsrc, serverSeqs } = peer;
        if (serverSsrc === undefined || !serverSeqs) return;
        // Every sequence number the server ever sent us, ~4000 per RTCP packet (~1 KB: 17 per 4-byte entry).
        for (let from = serverSeqs.first; from <= serverSeqs.last; from += 4080) {
          const lost = Array.from({ length: Math.min(4080, serverSeqs.last - from + 1) }, (_, i) => (from + i) & 0xffff);
          const nack = new RtcpTransportLayerFeedback({
            feedback: new GenericNack({ senderSsrc: peer.ssrc, mediaSourceSsrc: serverSsrc, lost }),
          });
          void peer.sendRtcp([nack]).catch(() => {});
        }
      }),
  },
];
