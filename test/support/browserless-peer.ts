import { MediaStreamTrack, RTCPeerConnection, useVP8, Vp8Packetizer, type RTCDataChannel } from 'werift';
import type { Clip } from './clip.js';
import { SOURCE_TIMESTAMP_URI, useSourceTimestamp } from '../../electron/core/webrtc/media-config.js';
import { onPeerKeyframeRequest } from '../../electron/core/webrtc/peer-keyframe-requests.js';

export interface PeerStats {
  framesSent: number;
  framesReceived: number;
  /** Arrival times (ms) of received frames, for fps and gaps. */
  arrivals: number[];
  /**
   * Send-to-return delay (ms) of returned frames, matched with what we sent by RTP timestamp:
   * CamLoop's source-timestamp extension, else the frame's own (forwarded frames, aiortc).
   */
  latencies: number[];
  /** Returned frames whose last packet is byte for byte one we sent: forwarded, not processed. */
  echoed: number;
  /** The frame rate the server asks for (its session info's sendFps; null: no limit, or not asked). */
  sendFps: number | null;
  /** Keyframes sent because the server asked (PLI). */
  keyframesAsked: number;
}

export interface BrowserlessOptions {
  /**
   * Like the camera page: opens its `control` channel, polls the session info each second and
   * sends at the frame rate it asks for (sendFps), at most 30. Off (the default): 30 fps whatever happens.
   */
  followSendFps?: boolean;
  /** Like a browser's encoder: a keyframe request (PLI) is answered with the clip's keyframe, at most every 300 ms. Off by default. */
  answerPli?: boolean;
}

/** The rate the clip is paced at, as a camera's. */
const CAMERA_FPS = 30;
/** Chrome ignores a keyframe request this soon after the last keyframe. */
const PLI_QUIET_MS = 300;

/**
 * A phone without a browser: a werift peer that offers sendrecv VP8, sends a pre-encoded clip in a
 * loop at 30 fps (or less, as the server asks: see BrowserlessOptions), and counts the processed
 * frames that come back (RTP marker bits).
 */
export class BrowserlessPeer {
  readonly stats: PeerStats = {
    framesSent: 0,
    framesReceived: 0,
    arrivals: [],
    latencies: [],
    echoed: 0,
    sendFps: null,
    keyframesAsked: 0,
  };
  /** The last packet of each frame sent lately (payload, base64): an echo gives them back as they were. */
  private readonly sentLast = new Set<string>();
  private readonly sentAt = new Map<number, number>();
  // max-bundle: one transport for the video and the control channel (by default werift gathers one
  // per m-line, and the unused one's sockets stay open after close(): the process never exits).
  private readonly pc = new RTCPeerConnection({
    bundlePolicy: 'max-bundle',
    codecs: { video: [useVP8()] },
    headerExtensions: { video: [useSourceTimestamp()] },
  });
  private readonly track = new MediaStreamTrack({ kind: 'video' });
  private readonly transceiver = this.pc.addTransceiver(this.track, { direction: 'sendrecv' });
  private timer?: NodeJS.Timeout;
  private poll?: NodeJS.Timeout;
  private readonly control?: RTCDataChannel;
  /** The clip's next frame to send (0: its keyframe), and when the last keyframe went. */
  private next = 0;
  private keyframeAt = -Infinity;
  /** The id the server answered for its source-timestamp extension (none: it keeps the camera's timestamps). */
  private sourceTimestampId?: number;

  /** The server's id and secret of our call (from its answer). */
  session?: { id: string; secret: string };

  constructor(
    private readonly clip: Clip,
    private readonly options: BrowserlessOptions = {},
  ) {
    // Before the offer, as the page does: the channel is negotiated with it.
    if (options.followSendFps) this.control = this.pc.createDataChannel('control');
  }

  async connect(serverUrl: string, transform: string, headers: Record<string, string> = {}): Promise<void> {
    this.transceiver.onTrack.subscribe((incoming) => this.count(incoming));
    this.pc.onTrack.subscribe((incoming) => this.count(incoming));
    const answer = await this.postOffer(serverUrl, transform, headers);
    // Subscribed before the answer is applied: on loopback the connection can be up before it returns.
    const connected = new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`peer did not connect within 30 s (${this.pc.connectionState})`)), 30_000);
      const done = () => {
        clearTimeout(timeout);
        resolve();
      };
      this.pc.connectionStateChange.subscribe((state) => state === 'connected' && done());
    });
    await this.pc.setRemoteDescription(answer);
    this.sourceTimestampId = this.transceiver.headerExtensions.find((e) => e.uri === SOURCE_TIMESTAMP_URI)?.id;
    await connected;
    if (this.control) this.followControl(this.control);
    // Read at the transport: werift's router hands a PLI to our receiver, not to sender.onPictureLossIndication.
    if (this.options.answerPli)
      onPeerKeyframeRequest(this.transceiver.sender, () => {
        if (performance.now() - this.keyframeAt < PLI_QUIET_MS) return;
        this.next = 0;
        this.stats.keyframesAsked++;
      });
    this.startSending(this.transceiver.sender.codec?.payloadType ?? 96);
  }

  /** Polls the session info each second, as the page does, and keeps what it asks for. */
  private followControl(control: RTCDataChannel): void {
    control.onMessage.subscribe((message) => {
      try {
        const data = JSON.parse(String(message)) as { type?: string; info?: { sendFps?: number | null } };
        if (data.type === 'info') this.stats.sendFps = data.info?.sendFps ?? null;
      } catch {
        // Not the camera page's protocol (aiortc's example server answers only pings).
      }
    });
    const ask = () => control.readyState === 'open' && control.send('{}');
    if (control.readyState === 'open') ask();
    else control.stateChanged.subscribe((state) => state === 'open' && ask());
    this.poll = setInterval(ask, 1000);
  }

  /** The frame rate the clip is paced at now. */
  get fps(): number {
    return Math.min(CAMERA_FPS, this.stats.sendFps ?? CAMERA_FPS);
  }

  /**
   * Gathers, posts our offer and returns the server's answer without applying it (connect() does;
   * a test of a peer that never connects stops here).
   */
  async postOffer(
    serverUrl: string,
    transform: string,
    headers: Record<string, string> = {},
  ): Promise<{ sdp: string; type: 'answer'; id: string; secret: string }> {
    const response = await fetch(`${serverUrl}/offer`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ sdp: await this.offerSdp(), type: 'offer', video_transform: transform }),
    });
    if (!response.ok) throw new Error(`offer refused: ${response.status} ${await response.text()}`);
    const answer = (await response.json()) as { sdp: string; type: 'answer'; id: string; secret: string };
    this.session = { id: answer.id, secret: answer.secret };
    return answer;
  }

  /** Our offer, with every candidate (made once). */
  async offerSdp(): Promise<string> {
    if (!this.pc.localDescription) {
      await this.pc.setLocalDescription(await this.pc.createOffer());
      while (this.pc.iceGatheringState !== 'complete') await new Promise((r) => setTimeout(r, 10));
    }
    return this.pc.localDescription!.sdp;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.poll);
    await this.pc.close();
  }

  private counted = new WeakSet<object>();
  private count(incoming: MediaStreamTrack): void {
    if (this.counted.has(incoming)) return;
    this.counted.add(incoming);
    incoming.onReceiveRtp.subscribe((packet) => {
      if (!packet.header.marker) return;
      const now = performance.now();
      this.stats.framesReceived++;
      if (this.sentLast.has(packet.payload.toString('base64'))) this.stats.echoed++;
      this.stats.arrivals.push(now);
      if (this.stats.arrivals.length > 2000) this.stats.arrivals.shift();
      const source = packet.header.extensions.find((e) => e.id === this.sourceTimestampId);
      const sent = this.sentAt.get(source && source.payload.length >= 4 ? source.payload.readUInt32BE(0) : packet.header.timestamp);
      if (sent !== undefined) {
        this.stats.latencies.push(now - sent);
        if (this.stats.latencies.length > 2000) this.stats.latencies.shift();
      }
    });
  }

  private startSending(payloadType: number): void {
    const packetizer = new Vp8Packetizer({ payloadType });
    const started = performance.now();
    let due = started;
    this.timer = setInterval(() => {
      const now = performance.now();
      // Behind (this process stalled): the frames missed are skipped, as a camera's are, not sent in a burst.
      if (now - due > 100) due = now;
      while (due <= now) {
        // RTP time is capture time (90 kHz): at fewer frames a second, the same frames further apart.
        this.sendFrame(packetizer, Math.round((due - started) * 90) >>> 0);
        due += 1000 / this.fps;
      }
    }, 5);
  }

  private sendFrame(packetizer: Vp8Packetizer, timestamp: number): void {
    const index = this.next % this.clip.frames.length;
    this.next = index + 1;
    if (index === 0) this.keyframeAt = performance.now();
    this.sentAt.set(timestamp, performance.now());
    if (this.sentAt.size > 300) this.sentAt.delete(this.sentAt.keys().next().value!);
    const packets = packetizer.packetize(this.clip.frames[index]!, timestamp);
    for (const packet of packets) this.track.writeRtp(packet);
    this.sentLast.add(packets.at(-1)!.payload.toString('base64'));
    if (this.sentLast.size > 600) this.sentLast.delete(this.sentLast.values().next().value!);
    this.stats.framesSent++;
  }
}
