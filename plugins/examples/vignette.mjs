// Example CamLoop plugin: darkens the picture towards its edges.
// Copy this file into your plugins folder (see `npm start -- --help`); edits are picked up live.

/** @type {import('../../electron/core/transforms/types').Transform} */
export default {
  id: 'vignette',
  label: 'Vignette (example plugin)',
  params: [{ name: 'strength', label: 'Strength', type: 'number', min: 0, max: 1, step: 0.05, default: 0.6 }],
  create(cv) {
    let mask = null; // RGBA float mask, built once per frame size
    let floats = new cv.Mat();
    return {
      apply(frame, params) {
        const { width, height } = frame;
        if (!mask || mask.cols !== width || mask.rows !== height || mask.strength !== params.strength) {
          mask?.delete();
          mask = new cv.Mat(height, width, cv.CV_32FC4);
          const data = mask.data32F;
          for (let y = 0; y < height; y++) {
            for (let x = 0; x < width; x++) {
              const dx = (x - width / 2) / (width / 2);
              const dy = (y - height / 2) / (height / 2);
              const gain = 1 - params.strength * Math.min(1, (dx * dx + dy * dy) / 2);
              data.fill(gain, (y * width + x) * 4, (y * width + x) * 4 + 3);
              data[(y * width + x) * 4 + 3] = 1;
            }
          }
          mask.strength = params.strength;
        }
        frame.image.convertTo(floats, cv.CV_32FC4);
        cv.multiply(floats, mask, floats);
        floats.convertTo(frame.image, cv.CV_8UC4);
      },
      dispose() {
        mask?.delete();
        floats.delete();
      },
    };
  },
};
