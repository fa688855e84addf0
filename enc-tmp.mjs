import { Frame, Packet } from 'node-av/lib';
import { AV_PIX_FMT_YUV420P } from 'node-av/constants';
import { openDecoder, openEncoder } from './dist/electron/core/pipeline/video-codec.js';
import { makeVp8Clip } from './dist/test/support/clip.js';
import { loadOpenCV } from './dist/electron/core/transforms/opencv.js';
const { cv } = await loadOpenCV();
const clip = makeVp8Clip(640, 480, 60);
const dec = openDecoder('vp8');
const pkt = new Packet(); pkt.alloc();
const frame = new Frame(); frame.alloc();
const gray = new cv.Mat(480, 640, cv.CV_8UC1); const edges = new cv.Mat();
const edgeFrames = [];
let t = 0;
for (const data of clip.frames) {
  pkt.data = data; pkt.pts = BigInt(t++ * 3000);
  dec.sendPacketSync(pkt);
  while (dec.receiveFrameSync(frame) >= 0) {
    const y = frame.data[0], ls = frame.linesize[0];
    for (let r = 0; r < 480; r++) gray.data.set(y.subarray(r * ls, r * ls + 640), r * 640);
    cv.Canny(gray, edges, 100, 200);
    edgeFrames.push(Buffer.from(edges.data));
  }
}
console.log('edge frames', edgeFrames.length, 'edge density', edgeFrames[10].reduce((a, v) => a + (v > 0), 0) / (640 * 480));
for (const kind of ['edges', 'camera']) for (const bitrate of [300_000, 700_000, 1_382_400, 2_500_000]) for (const speed of ['16']) {
  const enc = openEncoder('vp8', { width: 640, height: 480, bitrate });
  const f = new Frame(); f.alloc(); f.width = 640; f.height = 480; f.format = AV_PIX_FMT_YUV420P; f.allocBuffer();
  const out = new Packet(); out.alloc();
  let bytes = 0; const start = performance.now(); let n = 0; let encMs = 0;
  for (let rep = 0; rep < 4; rep++) for (let i = 0; i < 60; i++) {
    f.makeWritable();
    const [y, u, v] = f.data; const ls = f.linesize[0];
    if (kind === 'edges') { const e = edgeFrames[i % edgeFrames.length]; for (let r = 0; r < 480; r++) y.set(e.subarray(r * 640, r * 640 + 640), r * ls); }
    else { // decode a clip frame again and copy
      pkt.data = clip.frames[i]; dec.sendPacketSync(pkt); dec.receiveFrameSync(frame); for (let r = 0; r < 480; r++) y.set(frame.data[0].subarray(r * frame.linesize[0], r * frame.linesize[0] + 640), r * ls);
    }
    u.fill(128); v.fill(128);
    f.pts = BigInt(n * 3000);
    const s = performance.now();
    enc.sendFrameSync(f);
    while (enc.receivePacketSync(out) >= 0) { bytes += out.size; out.unref(); }
    encMs += performance.now() - s; n++;
  }
  console.log(kind, bitrate, 'encode ms/frame', (encMs / n).toFixed(2), 'kbps', Math.round(bytes * 8 * 30 / n / 1000));
  enc.freeContext();
}
