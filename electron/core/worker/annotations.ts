import type { Detection, XY } from '../detect/schema.js';
import type { Mat, OpenCV } from '../transforms/opencv.js';

/** How to draw: the colour (RGB), and the scale from the picture the model was given to this one. */
export interface DrawStyle {
  colour: [number, number, number];
  scaleX: number;
  scaleY: number;
}

/**
 * The one annotation renderer: boxes (with label and score), points and the skeleton between them,
 * lines, polygons and text, drawn on an RGBA picture at its own size (what is sent), from a
 * detection in the pixels of the picture the model was given. Line widths and text follow the
 * picture's height, so a box looks the same at 480 and 1080 lines.
 */
export function drawDetection(cv: OpenCV, image: Mat, detection: Detection, style: DrawStyle): void {
  const { scaleX, scaleY } = style;
  const colour = new cv.Scalar(...style.colour, 255);
  const shadow = new cv.Scalar(0, 0, 0, 255);
  const thickness = Math.max(2, Math.round(image.rows / 240));
  const fontScale = Math.max(0.4, image.rows / 900);
  const at = (x: number, y: number) => new cv.Point(Math.round(x * scaleX), Math.round(y * scaleY));
  const line = (a: XY, b: XY) => cv.line(image, at(...a), at(...b), colour, thickness, cv.LINE_AA);
  const label = (text: string, x: number, y: number) => {
    const ascii = text.replace(/[^\x20-\x7e]/g, '?');
    // A dark outline first: the text stays readable on any picture.
    cv.putText(image, ascii, at(x, y), cv.FONT_HERSHEY_SIMPLEX, fontScale, shadow, thickness + 2, cv.LINE_AA);
    cv.putText(image, ascii, at(x, y), cv.FONT_HERSHEY_SIMPLEX, fontScale, colour, Math.max(1, thickness - 1), cv.LINE_AA);
  };

  for (const box of detection.boxes) {
    cv.rectangle(image, at(box.x, box.y), at(box.x + box.width, box.y + box.height), colour, thickness, cv.LINE_AA);
    const caption = [box.label, box.score === undefined ? undefined : box.score.toFixed(2)].filter(Boolean).join(' ');
    if (caption) label(caption, box.x, box.y - (thickness + 4) / scaleY);
  }
  const { points } = detection;
  for (const [a, b] of detection.edges) line([points[a].x, points[a].y], [points[b].x, points[b].y]);
  const radius = Math.max(2, Math.round(image.rows / 160));
  for (const point of points) cv.circle(image, at(point.x, point.y), radius, colour, -1, cv.LINE_AA);
  for (const path of detection.lines) for (let i = 1; i < path.length; i++) line(path[i - 1], path[i]);
  for (const path of detection.polygons) for (let i = 0; i < path.length; i++) line(path[i], path[(i + 1) % path.length]);
  for (const text of detection.text) label(text.text, text.x, text.y);
}
