/**
 * Runs in the page (Playwright addInitScript) before any page script: replaces getUserMedia with a
 * canvas of known content, so tests can tell what the server did to the pixels.
 * Scenes: 'card' (gradient, white square with a black border, a moving ball) and, when
 * `window.fakeCamera.probe` is on, a scene switch every 500 ms for latency measurement.
 * 'noise' (random 16x16 blocks, new every frame) makes any encoder use all the bitrate it is given.
 * 'photo' draws `fakeCamera.photo` (an image the test sets, e.g. a photograph for a model) stretched
 * to the picture.
 * Swapping `fakeCamera.canvas`'s width and height turns the phone: the track's frames change size,
 * as Chrome's do on a phone turned mid-call (it rotates the pixels when no orientation extension is
 * negotiated, and CamLoop negotiates none).
 */
export function installFakeCamera(): void {
  type Scene = 'card' | 'flat' | 'checker' | 'noise' | 'texture' | 'photo';
  const state = {
    scene: 'card' as Scene,
    switchedAt: 0,
    switches: [] as number[],
    probe: false,
    canvas: null as HTMLCanvasElement | null,
    photo: null as HTMLImageElement | null,
    requests: [] as MediaStreamConstraints[],
  };
  (window as unknown as { fakeCamera: typeof state }).fakeCamera = state;

  /** A fine-grained scene twice the picture's size, for 'texture' (made on first use). */
  let grain: HTMLCanvasElement | undefined;

  function draw(ctx: CanvasRenderingContext2D, width: number, height: number, t: number): void {
    if (state.scene === 'texture') {
      // A camera panning over gravel: detail everywhere, all of it moving.
      if (!grain) {
        // Grains of 4x4 pixels: drawn at 4x below, unsmoothed.
        grain = document.createElement('canvas');
        grain.width = width / 2;
        grain.height = height / 2;
        const g = grain.getContext('2d')!;
        const image = g.createImageData(grain.width, grain.height);
        for (let i = 0; i < image.data.length; i += 4) {
          const v = (Math.random() * 255) | 0;
          image.data[i] = image.data[i + 1] = image.data[i + 2] = v;
          image.data[i + 3] = 255;
        }
        g.putImageData(image, 0, 0);
      }
      const shift = Math.round(t / 30) % width;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(grain, -shift, -Math.round(shift / 2) % height, width * 2, height * 2);
      return;
    }
    if (state.scene === 'noise') {
      const block = 16;
      for (let y = 0; y < height; y += block) {
        for (let x = 0; x < width; x += block) {
          const v = 64 + ((Math.random() * 128) | 0);
          ctx.fillStyle = `rgb(${v},${v},${v})`;
          ctx.fillRect(x, y, block, block);
        }
      }
      return;
    }
    if (state.scene === 'photo' && state.photo?.complete) {
      ctx.drawImage(state.photo, 0, 0, width, height);
    } else if (state.scene === 'card') {
      const gradient = ctx.createLinearGradient(0, 0, width, height);
      gradient.addColorStop(0, '#3060c0');
      gradient.addColorStop(0.5, '#40a060');
      gradient.addColorStop(1, '#c08030');
      ctx.fillStyle = gradient;
      ctx.fillRect(0, 0, width, height);
      const side = Math.round(height / 3);
      ctx.fillStyle = '#000';
      ctx.fillRect((width - side) / 2 - 6, (height - side) / 2 - 6, side + 12, side + 12);
      ctx.fillStyle = '#fff';
      ctx.fillRect((width - side) / 2, (height - side) / 2, side, side);
    } else {
      ctx.fillStyle = '#808080';
      ctx.fillRect(0, 0, width, height);
      if (state.scene === 'checker') {
        const cell = Math.round(height / 24);
        ctx.fillStyle = '#fff';
        for (let y = 0; y < height; y += cell)
          for (let x = (y / cell) % 2 ? cell : 0; x < width; x += 2 * cell) ctx.fillRect(x, y, cell, cell);
      }
    }
    // A moving ball along the bottom keeps the encoder honest (real cameras never stand still).
    ctx.fillStyle = '#e03030';
    ctx.beginPath();
    ctx.arc((t / 20) % width, height - height / 10, height / 20, 0, 2 * Math.PI);
    ctx.fill();
  }

  // Not a secure context (http:// on a LAN address, or a browser's certificate warning): no camera API to replace.
  if (!navigator.mediaDevices) return;
  navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    state.requests.push(JSON.parse(JSON.stringify(constraints ?? {})));
    const video = (constraints?.video ?? {}) as MediaTrackConstraints;
    const ideal = (c: ConstrainULong | undefined, fallback: number) =>
      typeof c === 'number' ? c : ((c as { ideal?: number; exact?: number })?.ideal ?? (c as { exact?: number })?.exact ?? fallback);
    const width = ideal(video.width, 640);
    const height = ideal(video.height, 480);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    state.canvas = canvas;
    const ctx = canvas.getContext('2d')!;
    const start = performance.now();
    setInterval(() => {
      const now = performance.now();
      if (state.probe && now - state.switchedAt >= 500) {
        state.scene = state.scene === 'checker' ? 'flat' : 'checker';
        state.switchedAt = now;
        state.switches.push(now);
      }
      // The canvas's own size: a test turns the phone by swapping it (portrait <-> landscape).
      draw(ctx, canvas.width, canvas.height, now - start);
    }, 1000 / 60);
    draw(ctx, width, height, 0);
    const stream = canvas.captureStream(30);
    if (constraints?.audio) {
      // A 440 Hz tone as the microphone, so audio paths (echo) carry real energy.
      const audio = new AudioContext();
      const tone = audio.createOscillator();
      const out = audio.createMediaStreamDestination();
      tone.connect(out);
      tone.start();
      stream.addTrack(out.stream.getAudioTracks()[0]);
    }
    // As the real one: {video: false} gives no video track (aiortc's client asks for audio alone).
    if (!constraints?.video) for (const track of stream.getVideoTracks()) stream.removeTrack(track);
    return stream;
  };
}
