import { createServer } from 'node:http';
import { MediaStreamTrack, RTCPeerConnection, useH264, useVP8 } from 'werift';
import { videoCodecParameters, videoHeaderExtensions } from '../electron/core/webrtc/media-config.js';

/**
 * The floor for benchmarks: a werift server that only echoes the browser's RTP back (no decode,
 * no encode). Same POST /offer as aiortc's example. Usage: node echo-server.js PORT [--cc]
 *
 * With --cc it negotiates CamLoop's own feedback and header extensions (media-config: transport-cc
 * both ways, abs-send-time, mid), with werift's own feedback behind them: the browser then sends
 * extensions on every packet, transport-cc feedback and probes, and the echo writes extensions on
 * every packet it sends. The floor of forwarding *with* congestion control on werift.
 */
const port = Number(process.argv[2] ?? 8090);
const congestionControl = process.argv.includes('--cc');
const config = congestionControl
  ? { codecs: { video: [videoCodecParameters.vp8(), videoCodecParameters.h264()] }, headerExtensions: { video: videoHeaderExtensions() } }
  : { codecs: { video: [useVP8(), useH264()] } };
const peers = new Set<RTCPeerConnection>();

createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/offer') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const offer = JSON.parse(Buffer.concat(chunks).toString());
  const pc = new RTCPeerConnection(config);
  peers.add(pc);
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'failed' || state === 'closed') peers.delete(pc);
  });
  await pc.setRemoteDescription(offer);
  for (const transceiver of pc.getTransceivers().filter((t) => t.kind === 'video')) {
    transceiver.setDirection('sendrecv');
    const echo = new MediaStreamTrack({ kind: 'video' });
    transceiver.sender.replaceTrack(echo);
    transceiver.receiver.track.onReceiveRtp.subscribe((rtp) => echo.writeRtp(rtp));
    transceiver.sender.onPictureLossIndication.subscribe(() => {
      const ssrc = transceiver.receiver.track.ssrc;
      if (ssrc !== undefined) void transceiver.receiver.sendRtcpPLI(ssrc);
    });
  }
  await pc.setLocalDescription(await pc.createAnswer());
  while (pc.iceGatheringState !== 'complete') await new Promise((r) => setTimeout(r, 10));
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ sdp: pc.localDescription!.sdp, type: 'answer' }));
}).listen(port, '127.0.0.1', () =>
  process.stderr.write(`echo server${congestionControl ? ' (transport-cc)' : ''} on http://127.0.0.1:${port}\n`),
);

// So that `node --cpu-prof` writes its profile when stopped with Ctrl-C (it does only on a normal exit).
process.on('SIGINT', () => process.exit(0));
