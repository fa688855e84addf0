import { BrowserlessPeer } from './dist/test/support/browserless-peer.js';
import { makeVp8Clip } from './dist/test/support/clip.js';
import { startServer } from './dist/electron/core/server.js';
import { silentLogger } from './dist/electron/core/log.js';
const server = await startServer({ host: '127.0.0.1', port: 0, log: silentLogger });
const clip = makeVp8Clip(640, 480, 60);
const peers = Array.from({ length: Number(process.argv[2] ?? 4) }, () => new BrowserlessPeer(clip));
await Promise.all(peers.map((p) => p.connect(server.url, 'edges')));
for (let i = 0; i < 4; i++) {
  await new Promise((r) => setTimeout(r, 3000));
  const res = await fetch(server.url + '/api/sessions', { headers: { Authorization: `Bearer ${server.access.controlToken}` } });
  const list = await res.json();
  console.log(list.map((s) => `est ${s.bitrate?.estimate} acked ${s.bitrate?.acked} enc ${s.stats?.encoderBitrate} out ${s.stats?.framesOut} drop ${s.stats?.dropped} sent ${s.network.sentBps}`).join('\n'), '\n');
}
await Promise.all(peers.map((p) => p.close()));
await server.close();
process.exit(0);
