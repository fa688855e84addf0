"""Pictures and references for the native filters' tests, in python cv2 (Debian's python3-opencv).

usage: cv2_reference.py scene WIDTH HEIGHT SEED SHIFT   -> stdout: a camera-like I420 picture
       cv2_reference.py OP WIDTH HEIGHT PARAMS_JSON TIME -> stdin: [previous I420 (motion)] input I420, candidate I420
                                                          -> stdout: JSON {mad, pct8, lumaMad, f1?, fraction?}
The reference is the built-in's OpenCV operation as the app ran it before it had native forms (RGBA
ops on cv2's I420 -> RGBA; plane ops on the planes). Metrics compare in RGB after cv2's I420 -> RGB."""
import json, sys
import numpy as np, cv2

op, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def scene(seed, shift):
    """Camera-like: lit gradient, anti-aliased shapes and text, a lens's softness and sensor noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.dstack([60 + 120 * xx / w, 80 + 60 * yy / h, 150 - 80 * xx / w]).astype(np.uint8)
    img = np.ascontiguousarray(img)
    s = w / 640
    for i in range(14):
        c = tuple(int(v) for v in rng.integers(20, 235, 3))
        x, y = int(rng.integers(0, w)) + shift, int(rng.integers(0, h))
        if i % 3 == 0:
            cv2.circle(img, (x, y), int(rng.integers(10, 70) * s), c, -1, cv2.LINE_AA)
        elif i % 3 == 1:
            cv2.rectangle(img, (x, y), (x + int(rng.integers(20, 150) * s), y + int(rng.integers(20, 110) * s)), c, -1, cv2.LINE_AA)
        else:
            pts = (rng.integers(-60, 60, (5, 2)) * s + (x, y)).astype(np.int32)
            cv2.fillPoly(img, [pts], c, cv2.LINE_AA)
    cv2.putText(img, 'CamLoop 42', (int(40 * s) + shift, int(h * 0.8)), cv2.FONT_HERSHEY_SIMPLEX, 1.6 * s, (240, 240, 230), max(1, int(3 * s)), cv2.LINE_AA)
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    img = np.clip(img.astype(np.float32) + rng.normal(0, 2.5, img.shape), 0, 255).astype(np.uint8)
    return cv2.cvtColor(img, cv2.COLOR_RGB2YUV_I420)


if op == 'scene':
    sys.stdout.buffer.write(scene(int(sys.argv[4]), int(sys.argv[5])).tobytes())
    sys.exit(0)

P, t = json.loads(sys.argv[4]), float(sys.argv[5])
size = w * h * 3 // 2
data = np.frombuffer(sys.stdin.buffer.read(), dtype=np.uint8)
pictures = [data[i:i + size].reshape(h * 3 // 2, w) for i in range(0, len(data), size)]
prev = pictures.pop(0) if op == 'motion' else None
src, cand = pictures[0], pictures[1]


def planes(i420):
    return i420[:h], i420[h:h + h // 4].reshape(h // 2, w // 2), i420[h + h // 4:].reshape(h // 2, w // 2)


def packed(y, u, v):
    full = lambda p, shape: np.full(shape, p, np.uint8) if np.isscalar(p) else p
    return np.concatenate([full(y, (h, w)).ravel(), full(u, (h // 2, w // 2)).ravel(), full(v, (h // 2, w // 2)).ravel()]).reshape(h * 3 // 2, w)


rgba = lambda i420: cv2.cvtColor(i420, cv2.COLOR_YUV2RGBA_I420)
i420 = lambda img: cv2.cvtColor(img, cv2.COLOR_RGBA2YUV_I420)
y, u, v = planes(src)
SEPIA = np.float32([[0.393, 0.769, 0.189, 0], [0.349, 0.686, 0.168, 0], [0.272, 0.534, 0.131, 0], [0, 0, 0, 1]])


def rotate_plane(p, fill):
    # about the true centre ((w-1)/2): FFmpeg's; OpenCV's (w/2) is half a pixel off, which no viewer sees
    m = cv2.getRotationMatrix2D(((p.shape[1] - 1) / 2, (p.shape[0] - 1) / 2), (t * P['speed']) % 360, 1)
    return cv2.warpAffine(p, m, (p.shape[1], p.shape[0]), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def sketch():
    k = max(3, int(round(P['softness'] / 4)) | 1)
    small = cv2.resize(cv2.bitwise_not(y), (-(-w // 4), -(-h // 4)), interpolation=cv2.INTER_AREA)
    blurred = cv2.bitwise_not(cv2.resize(cv2.GaussianBlur(small, (k, k), 0), (w, h), interpolation=cv2.INTER_LINEAR))
    return packed(cv2.divide(y, blurred, scale=256), 128, 128)


def cartoon():
    ww = min(w, 360)
    wh = int(round(h * ww / w / 2)) * 2
    img = cv2.resize(rgba(src), (ww, wh), interpolation=cv2.INTER_LINEAR) if ww != w else rgba(src)
    rgb = cv2.cvtColor(img, cv2.COLOR_RGBA2RGB)
    half = cv2.pyrDown(rgb)
    tiny = cv2.pyrDown(half)
    for _ in range(int(P['passes'])):
        tiny = cv2.bilateralFilter(tiny, 9, 9, 7)
    colour = cv2.pyrUp(cv2.pyrUp(tiny, dstsize=(half.shape[1], half.shape[0])), dstsize=(ww, wh))
    gray = cv2.medianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), 7)
    outline = cv2.cvtColor(cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 9, 2), cv2.COLOR_GRAY2RGB)
    out = cv2.cvtColor(cv2.bitwise_and(colour, outline), cv2.COLOR_RGB2RGBA)
    return i420(cv2.resize(out, (w, h), interpolation=cv2.INTER_LINEAR) if ww != w else out)


fraction = None


def motion():
    global fraction
    gray = lambda p: cv2.GaussianBlur(cv2.cvtColor(rgba(p), cv2.COLOR_RGBA2GRAY), (5, 5), 0)
    _, mask = cv2.threshold(cv2.absdiff(gray(src), gray(prev)), P['threshold'], 255, cv2.THRESH_BINARY)
    fraction = float(np.count_nonzero(mask) / mask.size)
    out = rgba(src)
    out[mask > 0] = (255, 0, 0, 255)
    return i420(out)


OPS = {
    'motion': motion,
    'edges': lambda: packed(cv2.Canny(y, P['low'], P['high']), 128, 128),
    'grayscale': lambda: packed(y, 128, 128),
    'invert': lambda: i420(cv2.bitwise_not(rgba(src))),
    'mirror': lambda: packed(*[cv2.flip(p, {'horizontal': 1, 'vertical': 0, 'both': -1}[P['axis']]) for p in planes(src)]),
    'rotate': lambda: packed(*[rotate_plane(p, f) for p, f in zip(planes(src), [16, 128, 128])]),
    'blur': lambda: i420(cv2.blur(rgba(src), (int(P['size']), int(P['size'])))),
    'pixelate': lambda: i420(cv2.resize(cv2.resize(rgba(src), (max(1, round(w / P['block'])), max(1, round(h / P['block']))),
                                                   interpolation=cv2.INTER_AREA), (w, h), interpolation=cv2.INTER_NEAREST)),
    'sepia': lambda: i420(cv2.transform(rgba(src), SEPIA)),
    'sketch': sketch,
    'cartoon': cartoon,
}
ref = OPS[op]()
d = np.abs(rgba(cand)[:, :, :3].astype(np.int16) - rgba(ref)[:, :, :3].astype(np.int16))
out = {'mad': float(d.mean()), 'pct8': float((d > 8).mean() * 100), 'lumaMad': float(np.abs(cand[:h].astype(np.int16) - ref[:h].astype(np.int16)).mean()),
       'fraction': fraction}
if op == 'edges':
    a, b = cand[:h] > 127, ref[:h] > 127
    near = lambda m: cv2.dilate(m.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    precision = float((a & near(b)).sum() / max(1, a.sum()))
    recall = float((b & near(a)).sum() / max(1, b.sum()))
    out['f1'] = 2 * precision * recall / max(1e-9, precision + recall)
print(json.dumps(out))
