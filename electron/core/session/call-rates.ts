import type { CallRates, SessionInfo } from './session-info.js';

/** One camera's figures each second, from the counters its info reports (frames, bytes) and the latest smoothed ones. */
export class RateMeter {
  private last?: { at: number; framesIn: number; framesOut: number };

  sample(info: SessionInfo, at = Date.now()): CallRates {
    const last = this.last;
    const perSecond = (now: number, before: number | undefined) =>
      last && before !== undefined && at > last.at ? Math.max(0, ((now - before) * 1000) / (at - last.at)) : 0;
    const timings = info.stats?.timings;
    const rates: CallRates = {
      at,
      fpsIn: perSecond(info.framesReceived, last?.framesIn),
      fpsOut: perSecond(info.framesSent, last?.framesOut),
      bpsIn: info.network.receivedBps,
      bpsOut: info.network.sentBps,
      msPerFrame: timings && !info.forwarding ? timings.decodeMs + timings.transformMs + timings.encodeMs : null,
      rttMs: info.network.rttMs,
      lossInPct: info.network.lossInPct,
      lossOutPct: info.network.lossOutPct,
      modelFps: null,
      resultAgeMs: null,
    };
    this.last = { at, framesIn: info.framesReceived, framesOut: info.framesSent };
    return rates;
  }
}
