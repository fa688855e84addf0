import type { BodyResult, FaceResult, HandResult, ObjectResult } from '@vladmandic/human';
import type { Mask } from '../detect/schema.js';

/** Human's results -> the drawable schema (docs/detect.md), in pixels of the picture the model was given. Pure. */

type Box = { x: number; y: number; width: number; height: number; label: string; score: number };
type Point = { x: number; y: number; label?: string; score?: number };

/** COCO's 17 body points, as MoveNet names them (snake_case), and the skeleton between them. */
export const POSE_EDGES: [string, string][] = [
  ['nose', 'left_eye'],
  ['nose', 'right_eye'],
  ['left_eye', 'left_ear'],
  ['right_eye', 'right_ear'],
  ['left_shoulder', 'right_shoulder'],
  ['left_shoulder', 'left_elbow'],
  ['left_elbow', 'left_wrist'],
  ['right_shoulder', 'right_elbow'],
  ['right_elbow', 'right_wrist'],
  ['left_shoulder', 'left_hip'],
  ['right_shoulder', 'right_hip'],
  ['left_hip', 'right_hip'],
  ['left_hip', 'left_knee'],
  ['left_knee', 'left_ankle'],
  ['right_hip', 'right_knee'],
  ['right_knee', 'right_ankle'],
];

/** MediaPipe's 21 hand points, and the bones between them. */
export const HAND_POINTS = [
  'wrist',
  ...['thumb_cmc', 'thumb_mcp', 'thumb_ip', 'thumb_tip'],
  ...['index', 'middle', 'ring', 'pinky'].flatMap((finger) => ['mcp', 'pip', 'dip', 'tip'].map((joint) => `${finger}_${joint}`)),
];
const HAND_EDGES: [number, number][] = [
  [0, 1], [1, 2], [2, 3], [3, 4], [0, 5], [5, 6], [6, 7], [7, 8], [5, 9], [9, 10], [10, 11], [11, 12],
  [9, 13], [13, 14], [14, 15], [15, 16], [13, 17], [0, 17], [17, 18], [18, 19], [19, 20],
]; // prettier-ignore

/** Face Mesh indices of named key points (the subject's left and right, as in pose); pairs are averaged. */
const FACE_KEYS: Record<string, number[]> = {
  right_eye: [33, 133],
  left_eye: [362, 263],
  nose_tip: [1],
  mouth_center: [13, 14],
  right_ear: [234],
  left_ear: [454],
};
/** BlazeFace's own six points, when the mesh is off. */
const BLAZE_KEYS = ['left_eye', 'right_eye', 'nose_tip', 'mouth_center', 'left_ear', 'right_ear'];

export type FaceLandmarks = 'keypoints' | 'contours' | 'mesh' | 'none';

const round = (v: number, places = 1) => Math.round(v * 10 ** places) / 10 ** places;
const box = (b: [number, number, number, number], label: string, score: number): Box => ({
  x: round(b[0]),
  y: round(b[1]),
  width: round(b[2]),
  height: round(b[3]),
  label,
  score: round(score, 3),
});
const point = (p: { 0: number; 1: number }, label?: string): Point => ({ x: round(p[0]), y: round(p[1]), ...(label && { label }) });
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function faceResults(faces: FaceResult[], landmarks: FaceLandmarks) {
  const boxes: Box[] = [];
  const points: Point[] = [];
  const edges: [number, number][] = [];
  for (const face of faces) {
    boxes.push(box(face.box, 'face', face.score));
    const mesh = face.mesh ?? [];
    if (landmarks === 'none') continue;
    if (mesh.length < 468) mesh.slice(0, 6).forEach((p, i) => points.push(point(p, BLAZE_KEYS[i])));
    else if (landmarks === 'mesh') for (const p of mesh) points.push(point(p));
    else if (landmarks === 'contours')
      for (const [name, path] of Object.entries(face.annotations ?? {})) {
        if (path.length < 2) continue;
        const start = points.length;
        path.forEach((p, i) => points.push(point(p, i === 0 ? snake(name) : undefined)));
        for (let i = 1; i < path.length; i++) edges.push([start + i - 1, start + i]);
      }
    else
      for (const [name, index] of Object.entries(FACE_KEYS)) {
        const mean = (axis: 0 | 1) => index.reduce((sum, i) => sum + mesh[i]![axis], 0) / index.length;
        points.push(point([mean(0), mean(1)], name));
      }
  }
  return { boxes, points, edges, count: faces.length };
}

/** Per person: a box, the named points that passed the threshold (with their score), the skeleton between them. */
export function poseResults(found: BodyResult[]) {
  const boxes: Box[] = [];
  const points: Point[] = [];
  const edges: [number, number][] = [];
  // MoveNet always answers one body: with no point over the threshold it is nobody (and its box is infinite).
  const bodies = found.filter((body) => body.keypoints.length > 0 && body.box.every(Number.isFinite));
  const people = bodies.map((body) => {
    boxes.push(box(body.box, 'person', body.score));
    const index: Record<string, number> = {};
    const keypoints: Record<string, Point> = {};
    for (const k of body.keypoints) {
      const name = snake(k.part);
      index[name] = points.length;
      keypoints[name] = { ...point(k.position), score: round(k.score, 3) };
      points.push({ ...keypoints[name], label: name });
    }
    for (const [a, b] of POSE_EDGES) if (index[a] !== undefined && index[b] !== undefined) edges.push([index[a], index[b]]);
    return { score: round(body.score, 3), keypoints };
  });
  return { boxes, points, edges, people, count: bodies.length };
}

export function handResults(hands: HandResult[]) {
  const boxes: Box[] = [];
  const points: Point[] = [];
  const edges: [number, number][] = [];
  for (const hand of hands) {
    boxes.push(box(hand.box, 'hand', hand.score));
    if (hand.keypoints?.length !== HAND_POINTS.length) continue;
    const start = points.length;
    hand.keypoints.forEach((p, i) => points.push(point(p, HAND_POINTS[i])));
    for (const [a, b] of HAND_EDGES) edges.push([start + a, start + b]);
  }
  return { boxes, points, edges, count: hands.length };
}

/** Boxes labelled with COCO's names, and how many of each. */
export function objectResults(objects: ObjectResult[]) {
  const labels: Record<string, number> = {};
  for (const o of objects) labels[o.label] = (labels[o.label] ?? 0) + 1;
  return { boxes: objects.map((o) => box(o.box, o.label, o.score)), labels, count: objects.length };
}

/** The segmenter's person weights (0..1) -> the schema's mask (255: person), at the model's size: the stage scales it. */
export function maskOf(values: ArrayLike<number>, width: number, height: number): Mask {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, values[i]!)) * 255);
  return { width, height, data };
}
