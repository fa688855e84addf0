// Example CamLoop plugin that returns results: finds the bright blobs in the picture, outlines
// them, and reports their count and boxes (visible in GET /api/sessions/:id and on the phone).

/** @type {import('../../electron/core/transforms/types').Transform} */
export default {
  id: 'bright-spots',
  label: 'Bright spots (example plugin)',
  params: [{ name: 'threshold', label: 'Brightness threshold', type: 'number', min: 0, max: 255, step: 5, default: 220 }],
  create(cv) {
    const gray = new cv.Mat();
    const mask = new cv.Mat();
    return {
      apply(frame, params) {
        cv.cvtColor(frame.image, gray, cv.COLOR_RGBA2GRAY);
        cv.threshold(gray, mask, params.threshold, 255, cv.THRESH_BINARY);
        const contours = new cv.MatVector();
        const hierarchy = new cv.Mat();
        cv.findContours(mask, contours, hierarchy, cv.RETR_EXTERNAL, cv.CHAIN_APPROX_SIMPLE);
        const spots = [];
        for (let i = 0; i < contours.size(); i++) {
          const contour = contours.get(i);
          const box = cv.boundingRect(contour);
          contour.delete();
          if (box.width * box.height < 50) continue;
          spots.push(box);
          cv.rectangle(
            frame.image,
            new cv.Point(box.x, box.y),
            new cv.Point(box.x + box.width, box.y + box.height),
            new cv.Scalar(255, 60, 200, 255),
            3,
          );
        }
        contours.delete();
        hierarchy.delete();
        return { count: spots.length, spots };
      },
      dispose() {
        gray.delete();
        mask.delete();
      },
    };
  },
};
