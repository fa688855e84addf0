import { FormatContext, Packet, Rational, type Stream } from 'node-av/lib';
import { AV_CHANNEL_LAYOUT_MONO, AV_CHANNEL_LAYOUT_STEREO, AVMEDIA_TYPE_AUDIO, AVMEDIA_TYPE_VIDEO } from 'node-av/constants';
import { timestampDelta } from '../media/rtp-math.js';
import { AUDIO_CODECS, VIDEO_CODECS, type AudioCodecName, type VideoCodecName } from '../media/codecs.js';

interface Track {
  stream: Stream;
  clockRate: number;
  first?: { rtp: number; at: number };
  last?: number;
  unwrapped: number;
}

/**
 * Writes what a camera sends, as it arrives (no transcoding), into a WebM/Matroska/MP4 file with
 * FFmpeg's muxers. Timestamps come from RTP, each stream anchored to its first packet's arrival so
 * audio and video stay in sync. close() writes the trailer, so the file is complete and seekable.
 */
export class Recorder {
  private readonly format = new FormatContext();
  private readonly video: Track;
  private readonly audio?: Track;
  private readonly packet = new Packet();
  private readonly start = performance.now();
  private closed = false;
  private waitingForKeyframe = true;

  constructor(
    readonly path: string,
    video: { codec: VideoCodecName; width: number; height: number },
    audio?: AudioCodecName,
  ) {
    check(this.format.allocOutputContext2(null, null, path), `cannot record to ${path}`);
    const v = this.format.newStream(null);
    v.codecpar.codecType = AVMEDIA_TYPE_VIDEO;
    v.codecpar.codecId = VIDEO_CODECS[video.codec].avCodecId;
    v.codecpar.width = video.width;
    v.codecpar.height = video.height;
    v.timeBase = new Rational(1, 90_000);
    this.video = { stream: v, clockRate: VIDEO_CODECS[video.codec].clockRate, unwrapped: 0 };
    if (audio) {
      const a = this.format.newStream(null);
      a.codecpar.codecType = AVMEDIA_TYPE_AUDIO;
      a.codecpar.codecId = AUDIO_CODECS[audio].avCodecId;
      const rate = AUDIO_CODECS[audio].clockRate;
      a.codecpar.sampleRate = rate;
      a.codecpar.channelLayout = audio === 'opus' ? AV_CHANNEL_LAYOUT_STEREO : AV_CHANNEL_LAYOUT_MONO;
      if (audio === 'opus') a.codecpar.extradata = opusHead();
      a.timeBase = new Rational(1, rate);
      this.audio = { stream: a, clockRate: rate, unwrapped: 0 };
    }
    check(this.format.openOutputSync(), `cannot open ${path}`);
    check(this.format.writeHeaderSync(null), `cannot write the header of ${path}`);
    this.packet.alloc();
  }

  /** One whole encoded video frame. Recording starts at the first keyframe. Returns its time in the file (s), if written. */
  writeVideo(data: Buffer, rtpTimestamp: number, keyframe: boolean): number | undefined {
    if (this.waitingForKeyframe && !keyframe) return undefined;
    this.waitingForKeyframe = false;
    return this.write(this.video, data, rtpTimestamp, keyframe);
  }

  /** One audio RTP payload (an Opus packet, or G.711 samples). */
  writeAudio(payload: Buffer, rtpTimestamp: number): void {
    if (this.audio && !this.waitingForKeyframe) this.write(this.audio, payload, rtpTimestamp, true);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.format.writeTrailerSync();
    this.format.closeOutputSync();
    this.format.freeContext();
    this.packet.free();
  }

  private write(track: Track, data: Buffer, rtpTimestamp: number, keyframe: boolean): number | undefined {
    if (this.closed || data.length === 0) return undefined;
    const now = performance.now();
    if (!track.first) track.first = { rtp: rtpTimestamp, at: now };
    else track.unwrapped += timestampDelta(rtpTimestamp, track.last!);
    track.last = rtpTimestamp;
    if (track.unwrapped < 0) return undefined; // reordered before the first packet
    const offset = Math.round(((track.first.at - this.start) / 1000) * track.clockRate);
    const pts = BigInt(offset + track.unwrapped);
    this.packet.unref();
    this.packet.data = data;
    this.packet.pts = pts;
    this.packet.dts = pts;
    this.packet.streamIndex = track.stream.index;
    this.packet.isKeyframe = keyframe;
    this.packet.rescaleTs(new Rational(1, track.clockRate), track.stream.timeBase);
    this.format.interleavedWriteFrameSync(this.packet);
    return Number(pts) / track.clockRate;
  }
}

/** The Opus ID header (RFC 7845) Matroska/WebM/MP4 need as codec private data: stereo, 48 kHz, 312 samples pre-skip. */
function opusHead(): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head.writeUInt8(1, 8);
  head.writeUInt8(2, 9);
  head.writeUInt16LE(312, 10);
  head.writeUInt32LE(48_000, 12);
  return head;
}

function check(ret: number, what: string): void {
  if (ret < 0) throw new Error(`${what} (${ret})`);
}
