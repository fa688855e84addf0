/**
 * A WHIP publisher for tests and benches, run as its own process (FFmpeg's whip muxer may crash the
 * process at exit, and a crash must not take the test runner with it): FFmpeg 8's `whip` muxer
 * (node-av) sends an H.264 test pattern made here. The pattern's top half is bright and its bottom
 * half dark, with a grey square that moves, so a filter's effect and fresh frames both show.
 *
 *   node whip-publish.js <url> [--token T] [--seconds S] [--size 640x480] [--fps 30]
 *
 * Publishes until --seconds pass or a line comes on stdin, then ends the session (the muxer's
 * DELETE). Prints `published <frames>` when done; exits 1 with FFmpeg's error when the muxer fails.
 */
import { Encoder, Frame, Muxer } from 'node-av';
import { AV_PIX_FMT_YUV420P, FF_ENCODER_LIBX264 } from 'node-av/constants';

export const PATTERN = { bright: 210, dark: 40 } as const;

/** One I420 picture of the pattern: the square at a place that moves with `index`. */
export function patternFrame(width: number, height: number, index: number): Buffer {
  const luma = width * height;
  const data = Buffer.alloc(luma * 1.5, 128);
  data.fill(PATTERN.bright, 0, luma / 2);
  data.fill(PATTERN.dark, luma / 2, luma);
  const side = Math.floor(height / 8);
  const x0 = (index * 8) % (width - side);
  const y0 = Math.floor(height / 2 - side / 2);
  for (let y = y0; y < y0 + side; y++) data.fill(128, y * width + x0, y * width + x0 + side);
  return data;
}

async function main(): Promise<void> {
  const [url, ...rest] = process.argv.slice(2);
  if (!url) throw new Error('usage: whip-publish <url> [--token T] [--seconds S] [--size WxH] [--fps N]');
  const flag = (name: string, fallback: string) => {
    const at = rest.indexOf(`--${name}`);
    return at >= 0 ? rest[at + 1] : fallback;
  };
  const token = flag('token', '');
  const seconds = Number(flag('seconds', '10'));
  const [width, height] = flag('size', '640x480').split('x').map(Number);
  const fps = Number(flag('fps', '30'));

  const encoder = await Encoder.create(FF_ENCODER_LIBX264, {
    bitrate: '1M',
    gopSize: fps * 2,
    // WHIP publishers send no B-frames (FFmpeg's muxer refuses them).
    maxBFrames: 0,
    configure: (context) => {
      for (const [name, value] of Object.entries({ preset: 'ultrafast', tune: 'zerolatency', profile: 'baseline' }))
        context.setOption(name, value);
    },
  });
  const muxer = await Muxer.open(url, { format: 'whip', options: { ...(token && { authorization: token }), handshake_timeout: 8000 } });
  // The stream first, then the first frame opens the encoder (the muxer reads its parameters then).
  const index = muxer.addStream(encoder);
  const started = performance.now();
  let stop = false;
  process.stdin.once('data', () => (stop = true));
  let frames = 0;
  for (; frames < seconds * fps && !stop; frames++) {
    const frame = Frame.fromVideoBuffer(patternFrame(width, height, frames), {
      width,
      height,
      format: AV_PIX_FMT_YUV420P,
      timeBase: { num: 1, den: fps },
    });
    frame.pts = BigInt(frames);
    // Synchronous calls: the async ones crashed the process about one start in two here.
    for (const packet of encoder.encodeAllSync(frame)) {
      muxer.writePacketSync(packet, index);
      packet.free();
    }
    frame.free();
    const due = started + ((frames + 1) * 1000) / fps;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  process.stdin.destroy();
  await muxer.close();
  console.log(`published ${frames}`);
  // FFmpeg's whip muxer may crash at natural exit after its DELETE: end here, explicitly.
  process.exit(0);
}

if (process.argv[1]?.endsWith('whip-publish.js')) {
  main().catch((error: unknown) => {
    console.error(`whip-publish: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
