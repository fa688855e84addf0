/**
 * Runs in the page: watches a <video> with requestVideoFrameCallback, counts the frames it presents,
 * and can sample its pixels. Installed with page.evaluate(installFrameProbe, selector).
 */
export interface FrameSample {
  width: number;
  height: number;
  meanLuma: number;
  /** Fraction of pixels with luma > 160. */
  bright: number;
  /** Fraction of pixels with luma < 40. */
  dark: number;
  /** Distinct colours after quantising each channel to 4 bits. */
  colours: number;
  /** Mean luma of the 4 corner patches (10% of each side). */
  cornerLuma: number;
  /** Mean absolute difference of horizontally adjacent luma values in the central third. */
  centreContrast: number;
  /** 32x24 luma thumbnail for comparing two videos. */
  thumb: number[];
}

export interface ProbeState {
  frames: number;
  times: number[];
  /** Times at which the centre switched between flat and checkered (latency probe). */
  changes: { at: number; checker: boolean }[];
}

export function installFrameProbe(selector: string): void {
  const video = document.querySelector(selector) as HTMLVideoElement;
  const probe: ProbeState = { frames: 0, times: [], changes: [] };
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let lastChecker: boolean | undefined;
  const w = window as unknown as { probes: Record<string, ProbeState>; sampleVideo: (s: string) => FrameSample; trackScene: boolean };
  w.probes ??= {};
  w.probes[selector] = probe;

  w.sampleVideo = (sel: string): FrameSample => {
    const v = document.querySelector(sel) as HTMLVideoElement;
    const width = v.videoWidth;
    const height = v.videoHeight;
    canvas.width = width;
    canvas.height = height;
    ctx.drawImage(v, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    const luma = (i: number) => 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    let sum = 0,
      bright = 0,
      dark = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      const l = luma(i);
      sum += l;
      if (l > 160) bright++;
      if (l < 40) dark++;
      colours.add(((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4));
    }
    const n = width * height;
    const cw = Math.max(1, Math.round(width / 10));
    const ch = Math.max(1, Math.round(height / 10));
    let corner = 0;
    for (const [x0, y0] of [
      [0, 0],
      [width - cw, 0],
      [0, height - ch],
      [width - cw, height - ch],
    ]) {
      for (let y = y0; y < y0 + ch; y++) for (let x = x0; x < x0 + cw; x++) corner += luma((y * width + x) * 4);
    }
    let contrast = 0,
      count = 0;
    for (let y = Math.floor(height / 3); y < (2 * height) / 3; y++) {
      for (let x = Math.floor(width / 3) + 1; x < (2 * width) / 3; x++) {
        contrast += Math.abs(luma((y * width + x) * 4) - luma((y * width + x - 1) * 4));
        count++;
      }
    }
    const thumb: number[] = [];
    for (let ty = 0; ty < 24; ty++)
      for (let tx = 0; tx < 32; tx++)
        thumb.push(luma((Math.floor(((ty + 0.5) * height) / 24) * width + Math.floor(((tx + 0.5) * width) / 32)) * 4));
    return {
      width,
      height,
      meanLuma: sum / n,
      bright: bright / n,
      dark: dark / n,
      colours: colours.size,
      cornerLuma: corner / (4 * cw * ch),
      centreContrast: contrast / count,
      thumb,
    };
  };

  /** Contrast of the central crop at 1:1 scale: high for the checkered scene, ~0 for the flat one. */
  const small = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  const centreContrast = (): number => {
    const cw = Math.min(160, Math.floor(video.videoWidth / 4));
    const ch = Math.min(120, Math.floor(video.videoHeight / 4));
    small.canvas.width = cw;
    small.canvas.height = ch;
    small.drawImage(video, (video.videoWidth - cw) / 2, (video.videoHeight - ch) / 2, cw, ch, 0, 0, cw, ch);
    const d = small.getImageData(0, 0, cw, ch).data;
    let total = 0;
    for (let i = 4; i < d.length; i += 4) total += Math.abs(d[i] + d[i + 1] + d[i + 2] - d[i - 4] - d[i - 3] - d[i - 2]) / 3;
    return total / (cw * ch);
  };

  const onFrame = (now: number) => {
    probe.frames++;
    probe.times.push(now);
    if (probe.times.length > 600) probe.times.shift();
    if (w.trackScene) {
      const checker = centreContrast() > 2.5;
      if (lastChecker !== undefined && checker !== lastChecker) probe.changes.push({ at: now, checker });
      lastChecker = checker;
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}
