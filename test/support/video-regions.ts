import type { Page } from 'playwright-core';

/** A rectangle in fractions of the picture (0-1), whatever size the video came back at. */
export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * How green a box's top and left edges are, against the same places a few pixels away: the
 * greenness (G minus the larger of R and B) at the edge (the best of a 5-pixel band, the video is
 * lossy) and beside it. The top edge is read on its right half (the label sits on the left).
 */
export function boxEdges(page: Page, box: Region, selector = '#remote'): Promise<{ edge: number; around: number; width: number }> {
  return page.evaluate(
    ([sel, b]) => {
      const video = document.querySelector(sel as string) as HTMLVideoElement;
      const { x0, y0, x1, y1 } = b as Region;
      const width = video.videoWidth;
      const height = video.videoHeight;
      const canvas = document.createElement('canvas');
      Object.assign(canvas, { width, height });
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(video, 0, 0);
      const { data } = ctx.getImageData(0, 0, width, height);
      const green = (x: number, y: number) => {
        const i = (Math.round(y) * width + Math.round(x)) * 4;
        return data[i + 1] - Math.max(data[i], data[i + 2]);
      };
      const band = (x: number, y: number, dx: number, dy: number) =>
        Math.max(...[-2, -1, 0, 1, 2].map((d) => green(x + d * dx, y + d * dy)));
      const edges: number[] = [];
      const around: number[] = [];
      const gap = height / 40;
      for (let f = 0.55; f < 0.95; f += 0.05) {
        const x = (x0 + (x1 - x0) * f) * width;
        edges.push(band(x, y0 * height, 0, 1));
        around.push(band(x, y0 * height - gap, 0, 1), band(x, y0 * height + gap, 0, 1));
        const y = (y0 + (y1 - y0) * f) * height;
        edges.push(band(x0 * width, y, 1, 0));
        around.push(band(x0 * width - gap, y, 1, 0), band(x0 * width + gap, y, 1, 0));
      }
      const mean = (v: number[]) => v.reduce((a, c) => a + c, 0) / v.length;
      return { edge: mean(edges), around: mean(around), width };
    },
    [selector, box] as const,
  );
}

/** Fine detail in a region: the mean absolute difference of horizontally adjacent luma values. */
export function regionDetail(page: Page, region: Region, selector = '#remote'): Promise<number> {
  return page.evaluate(
    ([sel, r]) => {
      const video = document.querySelector(sel as string) as HTMLVideoElement;
      const { x0, y0, x1, y1 } = r as Region;
      const width = video.videoWidth;
      const height = video.videoHeight;
      const canvas = document.createElement('canvas');
      Object.assign(canvas, { width, height });
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      ctx.drawImage(video, 0, 0);
      const { data } = ctx.getImageData(0, 0, width, height);
      const luma = (i: number) => 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      let sum = 0;
      let count = 0;
      for (let y = Math.round(y0 * height); y < y1 * height; y++) {
        for (let x = Math.round(x0 * width) + 1; x < x1 * width; x++) {
          sum += Math.abs(luma((y * width + x) * 4) - luma((y * width + x - 1) * 4));
          count++;
        }
      }
      return sum / count;
    },
    [selector, region] as const,
  );
}
