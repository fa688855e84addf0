import { OpusPacketizer, PcmaPacketizer, PcmuPacketizer, type MediaStreamTrack } from 'werift';
import type { AudioCodecName } from '../media/codecs.js';
import type { EncodedClip } from './clip-encoder.js';

/**
 * Plays an encoded clip in a loop on an outgoing audio track, one 20 ms frame per tick. Ticks are
 * scheduled from the start time (not chained), so timer jitter never accumulates into drift.
 */
export class AudioLoop {
  private timer?: NodeJS.Timeout;
  private sent = 0;
  constructor(
    private readonly track: MediaStreamTrack,
    private readonly clip: EncodedClip,
    codec: AudioCodecName,
    payloadType: number,
  ) {
    this.packetizer =
      codec === 'opus'
        ? new OpusPacketizer({ payloadType })
        : codec === 'pcmu'
          ? new PcmuPacketizer({ payloadType })
          : new PcmaPacketizer({ payloadType });
  }

  private readonly packetizer: OpusPacketizer | PcmuPacketizer | PcmaPacketizer;

  start(): void {
    if (this.timer || this.clip.frames.length === 0) return;
    const started = performance.now();
    const frameMs = (this.clip.samplesPerFrame / this.clip.clockRate) * 1000;
    this.timer = setInterval(() => {
      const due = Math.floor((performance.now() - started) / frameMs);
      // After a stall, skip ahead rather than burst: at most 3 frames of catch-up.
      if (due - this.sent > 3) this.sent = due - 3;
      while (this.sent <= due) this.sendFrame(this.sent++);
    }, 10);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sendFrame(index: number): void {
    const data = this.clip.frames[index % this.clip.frames.length];
    for (const packet of this.packetizer.packetize(data, (index * this.clip.samplesPerFrame) >>> 0)) this.track.writeRtp(packet);
  }
}
