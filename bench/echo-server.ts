import { createServer } from 'node:http';
import { MediaStreamTrack, RTCPeerConnection, useVP8, useH264 } from 'werift';

/**
 * The floor for benchmarks: a werift server that only echoes the browser's RTP back (no decode,
 * no encode). Same POST /offer as aiortc's example. Usage: node echo-server.js PORT
 */
const port = Number(process.argv[2] ?? 8090);
const peers = new Set<RTCPeerConnection>();

createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/offer') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const offer = JSON.parse(Buffer.concat(chunks).toString());
  const pc = new RTCPeerConnection({ codecs: { video: [useVP8(), useH264()] } });
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
}).listen(port, '127.0.0.1', () => process.stderr.write(`echo server on http://127.0.0.1:${port}\n`));

// So that `node --cpu-prof` writes its profile when stopped with Ctrl-C (it does only on a normal exit).
process.on('SIGINT', () => process.exit(0));
