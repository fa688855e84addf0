import { Frame, Packet, Codec, CodecContext, Rational } from 'node-av/lib';
import { AV_PIX_FMT_YUV420P } from 'node-av/constants';
import { openDecoder } from './dist/electron/core/pipeline/video-codec.js';
import { makeVp8Clip } from './dist/test/support/clip.js';
import { loadOpenCV } from './dist/electron/core/transforms/opencv.js';
function openEncoder(bitrate, extra = {}) {
  const encoder = Codec.findEncoderByName('libvpx');
  const ctx = new CodecContext(); ctx.allocContext3(encoder); ctx.width = 640; ctx.height = 480; ctx.pixelFormat = AV_PIX_FMT_YUV420P; ctx.timeBase = new Rational(1, 90000); ctx.framerate = new Rational(30, 1); ctx.bitRate = BigInt(bitrate); ctx.gopSize = 300; ctx.maxBFrames = 0; ctx.threadCount = 1;
  const o = { deadline: 'realtime', 'cpu-used': '16', 'lag-in-frames': '0', 'auto-alt-ref': '0', 'max-intra-rate': '300', 'noise-sensitivity': '0', 'static-thresh': '0', ...extra };
  for (const [k, v] of Object.entries(o)) if (ctx.setOption(k, v) < 0) throw new Error(k);
  ctx.open2Sync(encoder, null); return ctx; }
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
const variants = JSON.parse(process.argv[2]);
for (const [name, extra] of Object.entries(variants)) {
  const enc = openEncoder(921600, extra);
  const f = new Frame(); f.alloc(); f.width = 640; f.height = 480; f.format = AV_PIX_FMT_YUV420P; f.allocBuffer();
  const out = new Packet(); out.alloc();
  let bytes = 0; let n = 0; let encMs = 0; let packets = 0;
  for (let rep = 0; rep < 4; rep++) for (let i = 0; i < 60; i++) {
    f.makeWritable();
    const [y, u, v] = f.data; const ls = f.linesize[0];
    const e = edgeFrames[i % edgeFrames.length]; for (let r = 0; r < 480; r++) y.set(e.subarray(r * 640, r * 640 + 640), r * ls);
    u.fill(128); v.fill(128);
    f.pts = BigInt(n * 3000);
    const s = performance.now();
    enc.sendFrameSync(f);
    while (enc.receivePacketSync(out) >= 0) { bytes += out.size; packets++; out.unref(); }
    encMs += performance.now() - s; n++;
  }
  console.log(name, 'encode ms/frame', (encMs / n).toFixed(2), 'kbps', Math.round(bytes * 8 * 30 / n / 1000), 'frames out', packets, 'of', n);
  enc.freeContext();
}
