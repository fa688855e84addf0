import { EventEmitter } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import {
  Event,
  MediaStreamTrack,
  Vp8Packetizer,
  type RtcpPacket,
  type RTCRtpSender,
  type RTCRtpTransceiver,
  type RtpHeader,
  type RtpPacket,
} from 'werift';
import type { CodecWorkerLease, WorkerPool } from '../../electron/core/video/worker-pool.js';
import type { FromWorker, ToWorker } from '../../electron/core/worker/protocol.js';

/**
 * Stand-ins for the werift objects and the codec worker that CameraVideo and VideoOutput use, so
 * they run in unit tests without a peer connection or a thread. Only what the core calls is here.
 */

/** The DTLS transport both sides share: RTCP in (`onRtcp`), RTP and RTCP out. */
export class FakeTransport {
  readonly onRtcp = new Event<[RtcpPacket]>();
  readonly rtcpSent: RtcpPacket[] = [];
  async sendRtp(_payload: Buffer, _header: RtpHeader): Promise<number> {
    return 0;
  }
  async sendRtcp(packets: RtcpPacket[]): Promise<void> {
    this.rtcpSent.push(...packets);
  }
}

/** One replaceRTP call: the sender re-bases its sequence numbers and timestamps on `header`'s. */
export interface Rebase {
  sequenceNumber: number;
  timestamp: number;
  discontinuity: boolean;
  timestampStep: number;
}

export class FakeSender {
  readonly rebases: Rebase[] = [];
  readonly ssrc = 0x5e4d;
  /** Called at each replaceRTP, to see its order among the track's packets. */
  onRebase = () => {};

  constructor(
    readonly dtlsTransport = new FakeTransport(),
    /** werift's private list of the negotiated header extensions (see werift-internals senderExtensionId). */
    readonly headerExtensions: { uri: string; id: number }[] = [],
  ) {}

  replaceRTP(header: Pick<RtpHeader, 'sequenceNumber' | 'timestamp'>, discontinuity = false, timestampStep = 1): void {
    this.rebases.push({ sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, discontinuity, timestampStep });
    this.onRebase();
  }

  get asSender(): RTCRtpSender {
    return this as unknown as RTCRtpSender;
  }
}

/** A local track and every packet written to it, in order (werift's track hands a clone of each to its listeners). */
export function recordedTrack(): { track: MediaStreamTrack; written: RtpPacket[] } {
  const track = new MediaStreamTrack({ kind: 'video' });
  const written: RtpPacket[] = [];
  track.onReceiveRtp.subscribe((packet) => void written.push(packet));
  return { track, written };
}

export const CAMERA_SSRC = 0xca3e;
export const PAYLOAD_TYPE = 96;

/** A camera's transceiver: its receiver asks for keyframes (PLIs, recorded by SSRC), its sender is a FakeSender. */
export function fakeTransceiver(sender = new FakeSender()) {
  const plis: number[] = [];
  const receiver = {
    dtlsTransport: sender.dtlsTransport,
    rtcpSsrc: 0x1234,
    sendRtcpPLI: async (ssrc: number) => void plis.push(ssrc),
  };
  const transceiver = { codecs: [{ payloadType: PAYLOAD_TYPE }], receiver, sender } as unknown as RTCRtpTransceiver;
  const incoming = new MediaStreamTrack({ kind: 'video', remote: true, ssrc: CAMERA_SSRC });
  return { transceiver, sender, receiver, plis, incoming };
}

/** A camera sending VP8 (fake frames: only the keyframe bit of the frame tag is real), `size` bytes each. */
export class FakeCamera {
  private readonly packetizer = new Vp8Packetizer({ payloadType: PAYLOAD_TYPE, ssrc: CAMERA_SSRC, sequenceNumber: 100 });
  private index = 0;

  constructor(private readonly size = 2500) {}

  /** The next frame's packets; its bytes after the tag are its index. */
  frame(keyframe: boolean): RtpPacket[] {
    const index = this.index++;
    const data = Buffer.alloc(this.size, index & 0xff);
    data[0] = keyframe ? 0x10 : 0x11; // VP8 frame tag: bit 0 clear means keyframe
    return this.packetizer.packetize(data, 3000 * index);
  }
}

/**
 * Stands in for one camera's place in a codec worker (its port to the worker's FrameLoop for it):
 * records what it is sent, replies on demand.
 */
export class FakeWorker extends EventEmitter {
  readonly posted: ToWorker[] = [];
  /** The client closed the port itself (the worker did not let go in time). */
  terminated = false;
  /** The camera's place was given back to the pool. */
  released = false;
  /** The camera left without a goodbye (its thread failed or stopped taking its frames). */
  abandoned = false;

  postMessage(message: ToWorker): void {
    this.posted.push(message);
    // The real worker frees the camera's codecs and lets go of its port.
    if (message.type === 'close') setImmediate(() => this.emit('close'));
  }

  reply(message: FromWorker): void {
    this.emit('message', message);
  }

  close(): void {
    this.terminated = true;
    this.emit('close');
  }

  /** The messages of one type sent so far. */
  sent<T extends ToWorker['type']>(type: T): Extract<ToWorker, { type: T }>[] {
    return this.posted.filter((m): m is Extract<ToWorker, { type: T }> => m.type === type);
  }
}

/** A pool that hands out fake workers and keeps them for the test to drive. */
export function fakePool(): { pool: WorkerPool; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  const pool = {
    take: (): CodecWorkerLease => {
      const worker = new FakeWorker();
      workers.push(worker);
      return {
        port: worker as unknown as MessagePort,
        onEnd: (ended) => worker.once('ended', ended),
        release: () => (worker.released = true),
        abandon: () => (worker.abandoned = true),
      };
    },
  } as unknown as WorkerPool;
  return { pool, workers };
}
