import type { Browser } from 'playwright-core';
import { serveAiortcClient } from '../test/support/aiortc-client.js';
import { installFakeCamera } from '../test/support/fake-camera.js';
import { installFrameProbe, type ProbeState } from '../test/support/frame-probe.js';
import { cpuSeconds, type BenchServer } from './servers.js';
import { percentile } from './stats.js';

export interface CellResult {
  server: string;
  resolution: string;
  transform: string;
  fps: number;
  width: number;
  height: number;
  latencyP50?: number;
  latencyP95?: number;
  cpuMsPerFrame?: number;
  firstFrameMs: number;
  sendTargetKbps?: number;
  sendFps?: number;
  /** What the browser sent and received over the measured window (video RTP payload + headers, kbit/s). */
  sentKbps?: number;
  backKbps?: number;
  /** Frames a second that came back to the browser (fps back counts those it showed). */
  receivedFps?: number;
  /** Where the glass-to-glass time goes in the browser, over the window (see BrowserTimes). */
  browser: BrowserTimes;
}

/**
 * The browser's own account of the time between the server and the screen (its inbound video) and
 * before the server (its outbound video), averaged over the measured window, in ms.
 */
export interface BrowserTimes {
  /** A frame's wait in the jitter buffer, from its first packet to its decode... */
  jitterBufferMs?: number;
  /** ...what the buffer aimed at (its jitter estimate plus decode and render time)... */
  jitterTargetMs?: number;
  /** ...and of that, from a frame's first packet to its last (how spread out the server sent it). */
  assemblyMs?: number;
  /** Spread (standard deviation) of the time between frames coming in. */
  interFrameSdMs?: number;
  keyframesReceived?: number;
  /** A packet's wait in the browser's pacer before it goes to the server. */
  sendDelayMs?: number;
  /** Round trip to the server, from its reports on what the browser sends. */
  rttMs?: number;
}

interface CameraWindow {
  fakeCamera: { probe: boolean; switches: number[]; photo: HTMLImageElement | null; scene: string };
  probes: Record<string, ProbeState>;
  trackScene: boolean;
  pc: RTCPeerConnection;
}

/**
 * One benchmark cell: aiortc's example client (the same for every server) sends the fake camera at
 * `resolution` with `transform`; we count what comes back, time the scene switches (glass to glass)
 * and read the server's CPU over the measured window (after 5 s of settling). With `holdResolution` the browser is told to
 * keep its picture size under pressure (as CamLoop's camera page does), so every server gets frames
 * of the size asked for and CPU per frame compares like with like.
 */
export interface CellOptions {
  /** The browser keeps its resolution under pressure and drops frame rate instead. */
  holdResolution?: boolean;
  /** A ceiling on what the browser sends (bits/s), to compare servers at equal bits. */
  clientMaxBitrate?: number;
  /**
   * The browser sends at this rate (bits/s) whatever the server's feedback says: its estimate's
   * floor, start and ceiling are all set to it (Chrome's x-google-*-bitrate in the answer it is
   * given). aiortc's REMB otherwise holds Chrome at 75-380 kbps while CamLoop's feedback lets it
   * send 1-3 Mbps, so a cap alone leaves aiortc decoding 2-10x fewer bits.
   */
  clientPinBitrate?: number;
  /** Runs as the measured window ends, while the call is still up (the detect bench reads the server's API there). */
  atWindowEnd?: () => Promise<void>;
  /** The camera shows this picture (a data URL; a photograph for a model) instead of the probe's scenes: no latency then. */
  photo?: string;
}

export async function runCell(
  browser: Browser,
  server: BenchServer,
  resolution: string,
  transform: string,
  seconds: number,
  options: CellOptions = {},
): Promise<CellResult> {
  const client = await serveAiortcClient(server.url);
  const page = await browser.newPage();
  try {
    page.on('dialog', (dialog) => void dialog.dismiss());
    await page.addInitScript(installFakeCamera);
    if (options.clientPinBitrate) await page.addInitScript(pinSendBitrate, Math.round(options.clientPinBitrate / 1000));
    await page.goto(client.url);
    await page.check('#use-video');
    await page.setChecked('#use-audio', false);
    await page.setChecked('#use-datachannel', false);
    await page.selectOption('#video-resolution', resolution);
    // aiortc's page lists its own four transforms; CamLoop takes any id (plugins too).
    await page.evaluate((id) => {
      const select = document.getElementById('video-transform') as HTMLSelectElement;
      if (![...select.options].some((option) => option.value === id)) select.add(new Option(id, id));
    }, transform);
    await page.selectOption('#video-transform', transform);
    const started = Date.now();
    await page.click('#start');
    await page.waitForFunction(() => (document.getElementById('video') as HTMLVideoElement).videoWidth > 0, null, {
      timeout: 30_000,
      polling: 10,
    });
    const firstFrameMs = Date.now() - started;
    await page.evaluate(senderParameters, {
      holdResolution: options.holdResolution ?? false,
      maxBitrate: options.clientMaxBitrate ?? null,
    });
    await page.evaluate(installFrameProbe, '#video');
    // Steady state only: settle for 5 s (a server's one-off costs after a connection, such as
    // CamLoop starting the next camera's spare worker 3 s after this one took its own, are not per
    // frame), on the scene that is measured (flat and checkered in turn, every 500 ms: scene cuts
    // that a server's rate control and picture size adapt to).
    await page.evaluate((photo) => {
      const camera = (window as unknown as CameraWindow).fakeCamera;
      if (!photo) return void (camera.probe = true);
      camera.photo = Object.assign(new Image(), { src: photo });
      camera.scene = 'photo';
    }, options.photo);
    await page.waitForTimeout(5000);

    await page.evaluate(() => {
      (window as unknown as CameraWindow).trackScene = true;
    });
    const cpuBefore = server.pid ? await cpuSeconds(server.pid) : undefined;
    const framesBefore = await page.evaluate(() => (window as unknown as CameraWindow).probes['#video'].frames);
    const statsBefore = await sendStats(page);
    const t0 = Date.now();
    await page.waitForTimeout(seconds * 1000);
    const elapsed = (Date.now() - t0) / 1000;
    const cpuAfter = server.pid ? await cpuSeconds(server.pid) : undefined;
    await options.atWindowEnd?.();
    const { frames, changes, switches, width, height } = await page.evaluate(() => {
      const w = window as unknown as CameraWindow;
      const video = document.getElementById('video') as HTMLVideoElement;
      return {
        frames: w.probes['#video'].frames,
        changes: w.probes['#video'].changes,
        switches: w.fakeCamera.switches,
        width: video.videoWidth,
        height: video.videoHeight,
      };
    });
    const statsAfter = await sendStats(page);
    const perSecond = (after?: number, before?: number) =>
      after !== undefined && before !== undefined ? (after - before) / elapsed : undefined;
    const kbps = (after?: number, before?: number) => {
      const bytes = perSecond(after, before);
      return bytes === undefined ? undefined : (bytes * 8) / 1000;
    };
    const returned = frames - framesBefore;

    // Each switch of the source's scene should show up as one change in what comes back.
    const latencies: number[] = [];
    for (const change of changes) {
      const cause = switches.filter((s) => s <= change.at).pop();
      if (cause !== undefined && change.at - cause < 2000) latencies.push(change.at - cause);
    }
    return {
      server: server.name,
      resolution,
      transform,
      fps: returned / elapsed,
      width,
      height,
      latencyP50: latencies.length ? percentile(latencies, 50) : undefined,
      latencyP95: latencies.length ? percentile(latencies, 95) : undefined,
      cpuMsPerFrame:
        cpuBefore !== undefined && cpuAfter !== undefined && returned > 0 ? ((cpuAfter - cpuBefore) * 1000) / returned : undefined,
      firstFrameMs,
      sendTargetKbps: statsAfter.targetBitrate !== undefined ? statsAfter.targetBitrate / 1000 : undefined,
      sendFps: perSecond(statsAfter.framesSent, statsBefore.framesSent),
      sentKbps: kbps(statsAfter.bytesSent, statsBefore.bytesSent),
      backKbps: kbps(statsAfter.bytesReceived, statsBefore.bytesReceived),
      receivedFps: perSecond(statsAfter.framesReceived, statsBefore.framesReceived),
      browser: browserTimes(statsBefore, statsAfter),
    };
  } finally {
    await page.close();
    await client.close();
  }
}

/** Runs in aiortc's client page: sets what CellOptions asks on its video sender. */
async function senderParameters({ holdResolution, maxBitrate }: { holdResolution: boolean; maxBitrate: number | null }): Promise<void> {
  const pc = (window as unknown as { pc: RTCPeerConnection }).pc;
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind !== 'video') continue;
    const parameters = sender.getParameters();
    if (holdResolution)
      (parameters as RTCRtpSendParameters & { degradationPreference?: string }).degradationPreference = 'maintain-resolution';
    if (maxBitrate !== null) for (const encoding of parameters.encodings) encoding.maxBitrate = maxBitrate;
    await sender.setParameters(parameters);
  }
}

/** The browser's own view of what it sends (aiortc's client keeps its peer in a global `pc`). */
interface SendStats {
  targetBitrate?: number;
  framesSent?: number;
  bytesSent?: number;
  bytesReceived?: number;
  /** Frames that came back, whole (the browser's inbound-rtp framesReceived): what the server sent. */
  framesReceived?: number;
  /** Cumulative counters behind BrowserTimes (WebRTC stats' names). */
  jitterBufferDelay?: number;
  jitterBufferTargetDelay?: number;
  jitterBufferEmittedCount?: number;
  totalAssemblyTime?: number;
  framesAssembledFromMultiplePackets?: number;
  totalInterFrameDelay?: number;
  totalSquaredInterFrameDelay?: number;
  framesDecoded?: number;
  keyFramesDecoded?: number;
  totalPacketSendDelay?: number;
  packetsSent?: number;
  roundTripTime?: number;
}

/** Seconds spent over a window per item counted in it, in ms (a cumulative stat's average over the window). */
function msPer(secondsAfter?: number, secondsBefore?: number, countAfter?: number, countBefore?: number): number | undefined {
  if (
    secondsAfter === undefined ||
    secondsBefore === undefined ||
    countAfter === undefined ||
    countBefore === undefined ||
    countAfter <= countBefore
  )
    return undefined;
  return ((secondsAfter - secondsBefore) * 1000) / (countAfter - countBefore);
}

function browserTimes(before: SendStats, after: SendStats): BrowserTimes {
  const delta = (key: keyof SendStats) => (after[key] !== undefined && before[key] !== undefined ? after[key]! - before[key]! : undefined);
  const frames = delta('framesDecoded');
  const meanGap = frames ? delta('totalInterFrameDelay')! / frames : undefined;
  const meanSquare = frames ? delta('totalSquaredInterFrameDelay')! / frames : undefined;
  return {
    jitterBufferMs: msPer(
      after.jitterBufferDelay,
      before.jitterBufferDelay,
      after.jitterBufferEmittedCount,
      before.jitterBufferEmittedCount,
    ),
    jitterTargetMs: msPer(
      after.jitterBufferTargetDelay,
      before.jitterBufferTargetDelay,
      after.jitterBufferEmittedCount,
      before.jitterBufferEmittedCount,
    ),
    assemblyMs: msPer(
      after.totalAssemblyTime,
      before.totalAssemblyTime,
      after.framesAssembledFromMultiplePackets,
      before.framesAssembledFromMultiplePackets,
    ),
    interFrameSdMs:
      meanGap !== undefined && meanSquare !== undefined ? Math.sqrt(Math.max(0, meanSquare - meanGap * meanGap)) * 1000 : undefined,
    keyframesReceived: delta('keyFramesDecoded'),
    sendDelayMs: msPer(after.totalPacketSendDelay, before.totalPacketSendDelay, after.packetsSent, before.packetsSent),
    rttMs: after.roundTripTime === undefined ? undefined : after.roundTripTime * 1000,
  };
}

async function sendStats(page: import('playwright-core').Page): Promise<SendStats> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { pc: RTCPeerConnection | null }).pc;
    if (!pc) return {};
    const report = await pc.getStats();
    const out: SendStats = {};
    for (const stat of report.values()) {
      if (stat.kind !== 'video') continue;
      if (stat.type === 'outbound-rtp') {
        Object.assign(out, {
          targetBitrate: stat.targetBitrate,
          framesSent: stat.framesSent,
          bytesSent: stat.bytesSent + stat.headerBytesSent,
          totalPacketSendDelay: stat.totalPacketSendDelay,
          packetsSent: stat.packetsSent,
        });
      }
      if (stat.type === 'remote-inbound-rtp') Object.assign(out, { roundTripTime: stat.roundTripTime });
      if (stat.type === 'inbound-rtp') {
        const {
          jitterBufferDelay,
          jitterBufferTargetDelay,
          jitterBufferEmittedCount,
          totalAssemblyTime,
          framesAssembledFromMultiplePackets,
          totalInterFrameDelay,
          totalSquaredInterFrameDelay,
          framesDecoded,
          keyFramesDecoded,
        } = stat;
        Object.assign(out, { bytesReceived: stat.bytesReceived + stat.headerBytesReceived, framesReceived: stat.framesReceived });
        Object.assign(out, {
          jitterBufferDelay,
          jitterBufferTargetDelay,
          jitterBufferEmittedCount,
          totalAssemblyTime,
          framesAssembledFromMultiplePackets,
          totalInterFrameDelay,
          totalSquaredInterFrameDelay,
          framesDecoded,
          keyFramesDecoded,
        });
      }
    }
    return out;
  });
}

/**
 * Runs in the page before aiortc's client: every answer it is given gets Chrome's floor, start and
 * ceiling bitrates (kbit/s) on its video codecs, so the browser's sender holds `kbps` whatever the
 * server's REMB or transport-cc feedback says.
 */
function pinSendBitrate(kbps: number): void {
  const original = RTCPeerConnection.prototype.setRemoteDescription;
  const pin = `x-google-min-bitrate=${kbps};x-google-start-bitrate=${kbps};x-google-max-bitrate=${kbps}`;
  RTCPeerConnection.prototype.setRemoteDescription = function (this: RTCPeerConnection, description?: RTCSessionDescriptionInit) {
    if (description?.type === 'answer' && description.sdp) {
      const sections = description.sdp.split(/(?=^m=)/m);
      const pinned = sections.map((section) => {
        if (!section.startsWith('m=video')) return section;
        const videoTypes = [...section.matchAll(/^a=rtpmap:(\d+) (VP8|VP9|H264|AV1)\//gm)].map((m) => m[1]);
        let out = section;
        for (const pt of videoTypes) {
          const fmtp = new RegExp(`^a=fmtp:${pt} (.*)$`, 'm');
          out = fmtp.test(out)
            ? out.replace(fmtp, `a=fmtp:${pt} $1;${pin}`)
            : out.replace(new RegExp(`^(a=rtpmap:${pt} .*)$`, 'm'), `$1\r\na=fmtp:${pt} ${pin}`);
        }
        return out;
      });
      description = { type: description.type, sdp: pinned.join('') };
    }
    return (original as (d?: RTCSessionDescriptionInit) => Promise<void>).call(this, description);
  } as typeof original;
}
