import type { Transform } from './types.js';

/** Stream time and measured frame rate, printed on the picture (handy when demoing latency). */
export const overlay: Transform = {
  id: 'overlay',
  label: 'Timestamp + fps overlay',
  params: [{ name: 'scale', label: 'Text size', type: 'number', min: 0.5, max: 4, step: 0.1, default: 1 }],
  create(cv) {
    const arrivals: number[] = [];
    return {
      apply(frame, params) {
        const now = performance.now();
        arrivals.push(now);
        while (arrivals.length > 1 && now - arrivals[0] > 1000) arrivals.shift();
        const fps = arrivals.length > 1 ? ((arrivals.length - 1) * 1000) / (now - arrivals[0]) : 0;
        const text = `t=${frame.time.toFixed(2)}s  ${fps.toFixed(1)} fps  ${frame.width}x${frame.height}`;
        const scale = (Number(params.scale) * frame.height) / 720;
        const origin = new cv.Point(Math.round(12 * scale), Math.round(40 * scale));
        // A dark outline under white text: readable on any picture.
        for (const [value, thickness] of [
          [0, 5],
          [255, 2],
        ]) {
          cv.putText(
            frame.image,
            text,
            origin,
            cv.FONT_HERSHEY_SIMPLEX,
            scale,
            new cv.Scalar(value, value, value, 255),
            Math.max(1, Math.round(thickness! * scale)),
          );
        }
        return { fps };
      },
      dispose() {},
    };
  },
};
