import { Codec, CodecContext, Frame, Packet, Rational } from 'node-av/lib';
import { AV_CHANNEL_LAYOUT_MONO, AV_SAMPLE_FMT_S16 } from 'node-av/constants';
import { AUDIO_CODECS, type AudioCodecName } from '../media/codecs.js';
import { CLIP_RATE } from './sound-clip.js';

export interface EncodedClip {
  /** One encoded 20 ms frame per entry. */
  frames: Buffer[];
  clockRate: number;
  samplesPerFrame: number;
}

const FRAME_MS = 20;

/**
 * Encodes a 48 kHz mono clip into 20 ms frames of the negotiated codec with FFmpeg's encoders
 * (libopus at 48 kHz; G.711 mu-law/A-law at 8 kHz after a 6:1 box-filter decimation).
 */
export function encodeClip(samples: Int16Array, codec: AudioCodecName): EncodedClip {
  const rate = AUDIO_CODECS[codec].clockRate;
  const pcm = rate === CLIP_RATE ? samples : decimate(samples, CLIP_RATE / rate);
  const encoder = Codec.findEncoderByName(AUDIO_CODECS[codec].encoder);
  if (!encoder) throw new Error(`no ${codec} encoder in this FFmpeg build`);
  const ctx = new CodecContext();
  ctx.allocContext3(encoder);
  ctx.sampleRate = rate;
  ctx.sampleFormat = AV_SAMPLE_FMT_S16;
  ctx.channelLayout = AV_CHANNEL_LAYOUT_MONO;
  ctx.timeBase = new Rational(1, rate);
  if (codec === 'opus') {
    ctx.bitRate = 48_000n;
    ctx.setOption('frame_duration', String(FRAME_MS));
    ctx.setOption('application', 'audio');
  }
  if (ctx.open2Sync(encoder, null) < 0) throw new Error(`cannot open the ${codec} encoder`);
  const samplesPerFrame = (rate * FRAME_MS) / 1000;
  const frames: Buffer[] = [];
  const packet = new Packet();
  packet.alloc();
  const drain = () => {
    while (ctx.receivePacketSync(packet) >= 0) {
      frames.push(Buffer.from(packet.data!));
      packet.unref();
    }
  };
  for (let start = 0; start + samplesPerFrame <= pcm.length; start += samplesPerFrame) {
    const chunk = pcm.subarray(start, start + samplesPerFrame);
    const frame = Frame.fromAudioBuffer(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), {
      nbSamples: samplesPerFrame,
      format: AV_SAMPLE_FMT_S16,
      sampleRate: rate,
      channelLayout: AV_CHANNEL_LAYOUT_MONO,
      pts: BigInt(start),
    });
    ctx.sendFrameSync(frame);
    frame.free();
    drain();
  }
  ctx.sendFrameSync(null);
  drain();
  packet.free();
  ctx.freeContext();
  return { frames, clockRate: codec === 'opus' ? 48_000 : 8000, samplesPerFrame: codec === 'opus' ? 960 : samplesPerFrame };
}

function decimate(samples: Int16Array, factor: number): Int16Array {
  const out = new Int16Array(Math.floor(samples.length / factor));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let j = 0; j < factor; j++) sum += samples[i * factor + j];
    out[i] = Math.round(sum / factor);
  }
  return out;
}
