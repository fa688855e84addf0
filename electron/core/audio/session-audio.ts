import { MediaStreamTrack, type RTCRtpTransceiver } from 'werift';
import { AudioLoop } from './audio-loop.js';
import { audioCodecOf, type AudioCodecName } from '../media/codecs.js';
import { encodeClip, type EncodedClip } from './clip-encoder.js';
import { loadChime } from './sound-clip.js';

/** The chime, encoded once per codec per process (~60 ms for Opus). */
const clips = new Map<AudioCodecName, EncodedClip>();
function chimeIn(codec: AudioCodecName): EncodedClip {
  let clip = clips.get(codec);
  if (!clip) clips.set(codec, (clip = encodeClip(loadChime(), codec)));
  return clip;
}

/** What goes back on the audio track (--audio): the bundled chime in a loop, or the caller's own microphone. */
export type AudioMode = 'loop' | 'echo';

/**
 * The answer's audio, as aiortc's example does it: the caller's audio transceiver becomes sendrecv
 * and carries either the bundled chime in a loop or the caller's own microphone back (echo).
 * Call before createAnswer; `start()` once connected, after the codec is negotiated.
 */
export class SessionAudio {
  private readonly outgoing = new MediaStreamTrack({ kind: 'audio' });
  private loop?: AudioLoop;

  /** Each audio RTP packet the caller sends (for recording). */
  onIncoming(listener: (payload: Buffer, timestamp: number) => void): void {
    this.transceiver.receiver.track.onReceiveRtp.subscribe((packet) => listener(packet.payload, packet.header.timestamp));
  }

  /** 'receive': the caller only sends (a WHIP publisher): nothing goes back, its audio is recorded. */
  constructor(
    private readonly transceiver: RTCRtpTransceiver,
    private readonly mode: AudioMode | 'receive',
  ) {
    if (mode === 'receive') return;
    transceiver.setDirection('sendrecv');
    transceiver.sender.replaceTrack(this.outgoing);
    if (mode === 'echo') {
      transceiver.receiver.track.onReceiveRtp.subscribe((packet) => {
        packet.header.extensions = [];
        this.outgoing.writeRtp(packet);
      });
    }
  }

  /** The negotiated codec, once the answer is set. */
  get codec(): AudioCodecName | undefined {
    const negotiated = this.transceiver.codecs[0];
    return negotiated ? audioCodecOf(negotiated.mimeType) : undefined;
  }

  start(): void {
    const negotiated = this.transceiver.codecs[0];
    const codec = this.codec;
    if (this.mode !== 'loop' || this.loop || !negotiated || !codec) return;
    this.loop = new AudioLoop(this.outgoing, chimeIn(codec), codec, negotiated.payloadType);
    this.loop.start();
  }

  stop(): void {
    this.loop?.stop();
  }
}
