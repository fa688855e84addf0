// Example detect plugin (JS): boxes what moved since its last call. `kind: 'detect'` makes
// create(cv) run in a thread of its own; detect() returns results only and CamLoop draws them on
// every frame at the camera's rate, however long detect() takes (docs/detect.md).

export default {
  id: 'moving-things',
  label: 'Moving things (JS detect)',
  kind: 'detect',
  params: [
    { name: 'threshold', label: 'Change threshold', type: 'number', min: 5, max: 100, step: 1, default: 25 },
    { name: 'minArea', label: 'Min area (% of picture)', type: 'number', min: 0.05, max: 20, step: 0.05, default: 0.2 },
  ],
  create(cv) {
    const gray = new cv.Mat();
    const previous = new cv.Mat();
    const diff = new cv.Mat();
    const kernel = cv.Mat.ones(7, 7, cv.CV_8U);
    return {
      // frame.image: an RGBA cv.Mat (a copy: this thread's own); frame.width, frame.height, frame.time.
      detect(frame, params) {
        cv.cvtColor(frame.image, gray, cv.COLOR_RGBA2GRAY);
        cv.GaussianBlur(gray, gray, new cv.Size(5, 5), 0);
        const first = previous.rows !== gray.rows || previous.cols !== gray.cols;
        if (!first) cv.absdiff(gray, previous, diff);
        gray.copyTo(previous);
        if (first) return { boxes: [], moving: 0 };
        cv.threshold(diff, diff, params.threshold, 255, cv.THRESH_BINARY);
        cv.dilate(diff, diff, kernel);
        const contours = new cv.MatVector();
        const hierarchy = new cv.Mat();
        cv.findContours(diff, contours, hierarchy, cv.RETR_EXTERNAL, cv.CHAIN_APPROX_SIMPLE);
        const least = (params.minArea / 100) * frame.width * frame.height;
        const boxes = [];
        for (let i = 0; i < contours.size(); i++) {
          const contour = contours.get(i);
          const { x, y, width, height } = cv.boundingRect(contour);
          contour.delete();
          if (width * height >= least) boxes.push({ x, y, width, height, label: 'moving' });
        }
        contours.delete();
        hierarchy.delete();
        // Any other key is yours: it reaches the results stream, the panel and the phone as it is.
        return { boxes, moving: boxes.length };
      },
      dispose() {
        for (const mat of [gray, previous, diff, kernel]) mat.delete();
      },
    };
  },
};
