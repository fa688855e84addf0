import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ResultEvent } from '../../../electron/core/detect/events.js';
import { loadOpenCV, type Mat, type OpenCV } from '../../../electron/core/transforms/opencv.js';
import { roughness } from '../../support/images.js';
import { ModelBench } from '../../support/model-stage.js';
import { decodePhoto, type PHOTOS } from '../../support/photos.js';

/** Each built-in model filter through the path a camera's frames take (DetectStage -> model worker), on photographs. */

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
/** Hand-labelled in astronaut.jpg (512x512): Eileen Collins' face; her suit; two areas of backdrop. */
const FACE: Rect = { x: 178, y: 70, width: 110, height: 120 };
const SUIT: Rect = { x: 200, y: 300, width: 80, height: 80 };
/** Inside the face, clear of the hair and the backdrop beside it. */
const FACE_CORE: Rect = { x: 200, y: 95, width: 65, height: 80 };
const BACKDROP: Rect[] = [
  { x: 330, y: 20, width: 40, height: 100 },
  { x: 0, y: 0, width: 60, height: 60 },
];
/** In hand.jpg (640x480): the open hand. */
const HAND: Rect = { x: 160, y: 120, width: 275, height: 225 };

let cv: OpenCV;
let bench: ModelBench;
const photos = new Map<string, Mat>();
before(async () => {
  ({ cv } = await loadOpenCV());
  bench = new ModelBench();
});
after(async () => {
  for (const mat of photos.values()) mat.delete();
  await bench.close();
});

function photo(name: keyof typeof PHOTOS): Mat {
  if (!photos.has(name)) {
    const { width, height, data } = decodePhoto(name);
    photos.set(name, cv.matFromArray(height, width, cv.CV_8UC4, data));
  }
  return photos.get(name)!;
}

/** A result's boxes and points in pixels of the photograph (the model was given a smaller picture). */
function inPhoto(event: ResultEvent, image: Mat) {
  const sx = image.cols / event.width;
  const sy = image.rows / event.height;
  const r = event.results as { boxes: (Rect & { label: string; score: number })[]; points?: { x: number; y: number; label?: string }[] };
  const boxes = r.boxes.map((b) => ({ ...b, x: b.x * sx, y: b.y * sy, width: b.width * sx, height: b.height * sy }));
  const points = Object.fromEntries((r.points ?? []).filter((p) => p.label).map((p) => [p.label!, { x: p.x * sx, y: p.y * sy }]));
  return { boxes, points, results: event.results };
}

const iou = (a: Rect, b: Rect) => {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
};
const inside = (p: { x: number; y: number }, r: Rect) => p.x > r.x && p.x < r.x + r.width && p.y > r.y && p.y < r.y + r.height;
function crop(image: Mat, r: Rect): Mat {
  const roi = image.roi(new cv.Rect(r.x, r.y, r.width, r.height));
  const out = new cv.Mat();
  roi.copyTo(out);
  roi.delete();
  return out;
}
function measure(image: Mat, r: Rect, what: (mat: Mat) => number): number {
  const part = crop(image, r);
  const value = what(part);
  part.delete();
  return value;
}
/** Share of a region's pixels that are the mask effect's pure green background. */
const greenShare = (mat: Mat) => {
  const data: Uint8Array = mat.data;
  let green = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] < 90 && data[i + 1] > 190 && data[i + 2] < 110) green++;
  return green / (data.length / 4);
};

describe('the model filters on photographs (the model worker, frames scaled to the model in the codec worker)', () => {
  it('face: one face where her face is, its key points inside it', async () => {
    const stage = await bench.stage(cv, 'face', 'face');
    const image = photo('astronaut');
    const { boxes, points, results } = inPhoto(await stage.detect(image), image);
    assert.equal(results.count, 1, JSON.stringify(results));
    assert.ok(iou(boxes[0]!, FACE) > 0.5, `IoU ${iou(boxes[0]!, FACE).toFixed(2)}: ${JSON.stringify(boxes[0])}`);
    for (const name of ['nose_tip', 'left_eye', 'right_eye', 'mouth_center'])
      assert.ok(points[name] && inside(points[name], boxes[0]!), `${name} ${JSON.stringify(points[name])}`);
    assert.ok(points.left_eye!.x > points.right_eye!.x, 'her left eye is on the picture\'s right: she faces the camera');
    stage.dispose();
  });

  it('pose: named points, both shoulders below the face and either side of the nose, with a skeleton', async () => {
    const stage = await bench.stage(cv, 'pose', 'pose');
    const image = photo('astronaut');
    const { points, results } = inPhoto(await stage.detect(image), image);
    const { nose, left_shoulder: left, right_shoulder: right } = points;
    assert.ok(nose && left && right, `points: ${Object.keys(points).join(', ')}`);
    assert.ok(inside(nose, FACE), `the nose in the face: ${JSON.stringify(nose)}`);
    const chin = FACE.y + FACE.height;
    assert.ok(left.y > chin && right.y > chin, `shoulders below the face: ${JSON.stringify({ left, right })}`);
    assert.ok(right.x < nose.x && nose.x < left.x, 'her right shoulder on the picture\'s left, her left on its right');
    const people = results.people as { keypoints: Record<string, { score: number }> }[];
    assert.equal(people.length, 1);
    assert.ok(people[0]!.keypoints.left_shoulder!.score > 0.3);
    assert.ok((results.edges as unknown[]).length >= 4, 'a skeleton between the points found');
    stage.dispose();
  });

  it('background: the mask covers her, not the backdrop; blur leaves her sharp and smooths the backdrop', async () => {
    const stage = await bench.stage(cv, 'background', 'segmentation');
    const image = photo('astronaut');
    const event = await stage.detect(image, { mask: 'colour' });
    assert.deepEqual(event.results.mask, { width: 256, height: 256 }, "the mask at the model's size");
    const coloured = stage.copy(image);
    stage.apply(coloured, { mask: 'colour', colour: 'green' });
    for (const r of [FACE_CORE, SUIT]) assert.ok(measure(coloured, r, greenShare) < 0.02, `person kept at ${JSON.stringify(r)}`);
    for (const r of BACKDROP) assert.ok(measure(coloured, r, greenShare) > 0.8, `backdrop replaced at ${JSON.stringify(r)}`);
    const blurred = stage.copy(image);
    stage.apply(blurred, { mask: 'blur' });
    for (const r of [FACE_CORE, SUIT]) {
      const [was, now] = [measure(image, r, roughness), measure(blurred, r, roughness)];
      assert.ok(now > 0.9 * was, `person as sharp at ${JSON.stringify(r)}: ${was.toFixed(2)} -> ${now.toFixed(2)}`);
    }
    for (const r of BACKDROP) {
      const [was, now] = [measure(image, r, roughness), measure(blurred, r, roughness)];
      assert.ok(now < 0.6 * was, `backdrop blurred at ${JSON.stringify(r)}: ${was.toFixed(2)} -> ${now.toFixed(2)}`);
    }
    for (const mat of [coloured, blurred]) mat.delete();
    stage.dispose();
  });

  it('objects: names a "person" around her face, with a score', async () => {
    const stage = await bench.stage(cv, 'objects', 'objects');
    const image = photo('astronaut');
    const { boxes, results } = inPhoto(await stage.detect(image), image);
    const person = boxes.find((b) => b.label === 'person');
    assert.ok(person, `labels: ${JSON.stringify(results.labels)}`);
    assert.ok(person.score > 0.4 && inside({ x: FACE.x + FACE.width / 2, y: FACE.y + FACE.height / 2 }, person), JSON.stringify(person));
    assert.equal((results.labels as Record<string, number>).person, 1);
    stage.dispose();
  });

  it('hands: one hand where it is, 21 named points, fingers to the right and the thumb up', async () => {
    const stage = await bench.stage(cv, 'hands', 'hands');
    const image = photo('hand');
    const { boxes, points, results } = inPhoto(await stage.detect(image), image);
    assert.equal(results.count, 1, JSON.stringify(results));
    assert.ok(iou(boxes[0]!, HAND) > 0.5, `IoU ${iou(boxes[0]!, HAND).toFixed(2)}: ${JSON.stringify(boxes[0])}`);
    assert.equal((results.points as unknown[]).length, 21);
    assert.equal((results.edges as unknown[]).length, 21);
    assert.ok(points.middle_tip!.x > points.wrist!.x + 100, `fingers right: ${JSON.stringify([points.wrist, points.middle_tip])}`);
    assert.ok(points.thumb_tip!.y < points.wrist!.y - 60, `thumb up: ${JSON.stringify(points.thumb_tip)}`);
    stage.dispose();
  });
});
