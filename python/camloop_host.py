"""CamLoop's side of a Python filter: imports the user's file and runs its apply() or detect() on each frame.

CamLoop runs it as

    python3 camloop_host.py describe FILE    # one JSON line on fd 4: {"id", "label", "params"} or {"error"}
    python3 camloop_host.py run FILE         # frames in on fd 3, results out on fd 4

so that stdout and stderr stay the user's own (print() goes to CamLoop's log and can never corrupt
a frame). Every message is a fixed little-endian header, then `json_length` bytes of UTF-8 JSON,
then `payload_length` bytes of pixels (see electron/core/python/protocol.ts, its twin):

    magic b'CLPY', version u8, kind u8, format u8, flags u8, width u32, height u32,
    sequence u32, timestamp f64 (seconds of stream time), json_length u32, payload_length u32

One frame is in flight at a time: CamLoop sends the next only after the answer to this one.
A detect() answer is its results as JSON and, when they hold a 'mask', the mask as the payload
(one byte a pixel, FORMAT_MASK8, width and height in the header).
"""
import json
import os
import struct
import sys
import threading
import time
import traceback

MAGIC = b'CLPY'
VERSION = 1
HEADER = struct.Struct('<4sBBBBIIIdII')
# Kinds. CamLoop -> here: FRAME. Here -> CamLoop: READY (imported, setup() done), RESULT (a frame
# and its results), ERROR (apply raised: the frame passes through), FATAL (cannot run at all).
FRAME, READY, RESULT, ERROR, FATAL = 1, 2, 3, 4, 5
# Pixel formats.
FORMAT_NONE, FORMAT_BGR24, FORMAT_MASK8 = 0, 1, 2
# What CamLoop takes back (transforms/detect-filter.ts says the same): larger is an error, said here.
MAX_JSON_BYTES = 1 << 20
MAX_MASK_PIXELS = 2_500_000
PARAM_TYPES = ('number', 'boolean', 'choice')
TRACEBACK_LINES = 6


def plain(value):
    """numpy's numbers and arrays as JSON (cv2 returns numpy.int32 coordinates)."""
    if hasattr(value, 'tolist'):
        return value.tolist()
    raise TypeError(f'{type(value).__name__} is not JSON')


def encode(info):
    try:
        body = json.dumps(info, default=plain, allow_nan=False).encode()
    except ValueError as error:  # json's own words for a NaN are obscure
        raise ValueError(f'results hold a NaN or an infinity ({error})') from None
    if len(body) > MAX_JSON_BYTES:
        raise ValueError(f'results are {len(body) / (1 << 20):.1f} MB of JSON: at most {MAX_JSON_BYTES >> 20} MB')
    return body


def send(out, kind, info=None, image=None, width=0, height=0, sequence=0, timestamp=0.0, fmt=FORMAT_BGR24):
    body = encode(info) if info is not None else b''
    pixels = memoryview(image).cast('B') if image is not None else b''
    header = HEADER.pack(MAGIC, VERSION, kind, fmt if image is not None else FORMAT_NONE, 0,
                         width, height, sequence, timestamp, len(body), len(pixels))
    for part in (header, body, pixels):
        view = memoryview(part)
        while view:
            view = view[out.write(view):]


def read_exactly(source, view):
    """Fills `view` from `source`; False at end of input (CamLoop closed the pipe: time to go)."""
    while view:
        n = source.readinto(view)
        if not n:
            return False
        view = view[n:]
    return True


def last_lines(error):
    lines = ''.join(traceback.format_exception(type(error), error, error.__traceback__)).rstrip().splitlines()
    return '\n'.join(lines[-TRACEBACK_LINES:])


def load(path):
    """Imports the user's file as a module of its own and checks its shape; raises with a clear message."""
    try:
        import numpy  # noqa: F401  (the frames are numpy arrays: say so plainly when it is missing)
    except ImportError:
        raise RuntimeError(f'numpy is not installed for {sys.executable} (pip install numpy, or Debian/Ubuntu: apt install python3-numpy)')
    import importlib.util
    sys.dont_write_bytecode = True  # no __pycache__ in the user's plugins folder
    name = 'camloop_plugin_' + ''.join(c if c.isalnum() else '_' for c in os.path.basename(path)[:-3])
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    plugin_id = getattr(module, 'ID', None)
    if not isinstance(plugin_id, str):
        raise ValueError('defines no ID (a string: letters, digits, - and _)')
    label = getattr(module, 'LABEL', plugin_id)
    params = getattr(module, 'PARAMS', [])
    if not isinstance(label, str):
        raise ValueError('LABEL must be a string')
    if not isinstance(params, (list, tuple)) or not all(isinstance(p, dict) and p.get('type') in PARAM_TYPES for p in params):
        raise ValueError('PARAMS must be a list of dicts, each with a type of number, boolean or choice')
    applies, detects = callable(getattr(module, 'apply', None)), callable(getattr(module, 'detect', None))
    if applies and detects:
        raise ValueError('defines both apply() and detect(): a filter is one or the other')
    if not (applies or detects):
        raise ValueError('defines no apply(image, params) or detect(image, params) function')
    return module, {'id': plugin_id, 'label': label, 'params': list(params), 'kind': 'detect' if detects else 'apply'}


def to_output(returned, image, numpy):
    """What apply() returned -> (an HxWx3 uint8 BGR array, results dict or None)."""
    results = None
    if isinstance(returned, tuple):
        if len(returned) != 2:
            raise TypeError(f'apply returned a tuple of {len(returned)}: return an image, None, or (image, results)')
        returned, results = returned
        if results is not None and not isinstance(results, dict):
            raise TypeError(f'results must be a dict (got {type(results).__name__})')
    out = image if returned is None else returned
    if not isinstance(out, numpy.ndarray):
        raise TypeError(f'apply returned {type(out).__name__}: return a numpy image, None, or (image, results)')
    height, width = image.shape[:2]
    if out.shape[:2] != (height, width) or out.ndim not in (2, 3) or (out.ndim == 3 and out.shape[2] not in (1, 3)):
        raise ValueError(f'apply returned an image of shape {out.shape}: expected ({height}, {width}, 3), or ({height}, {width}) for grey')
    if out.dtype != numpy.uint8:
        raise TypeError(f'apply returned {out.dtype} pixels: expected uint8 (use .astype(numpy.uint8), or cv2.convertScaleAbs)')
    if out.ndim == 2 or out.shape[2] == 1:  # a grey picture (cv2.Canny's, a mask): shown as grey
        out = numpy.repeat(out.reshape(height, width, 1), 3, axis=2)
    return numpy.ascontiguousarray(out), results


def to_detection(returned, numpy):
    """What detect() returned -> (results dict without the mask, an HxW uint8 mask or None)."""
    if returned is None:
        return {}, None
    if not isinstance(returned, dict):
        raise TypeError(f'detect returned {type(returned).__name__}: return a dict (boxes, points, lines, polygons, text, mask, ...)')
    results = dict(returned)
    mask = results.pop('mask', None)
    if mask is None:
        return results, None
    if not isinstance(mask, numpy.ndarray):
        raise TypeError(f'mask is {type(mask).__name__}: expected an HxW uint8 numpy array')
    if mask.ndim == 3 and mask.shape[2] == 1:
        mask = mask[:, :, 0]
    if mask.ndim != 2:
        raise ValueError(f'mask has shape {mask.shape}: expected (height, width)')
    if mask.dtype != numpy.uint8:
        raise TypeError(f'mask is {mask.dtype}: expected uint8, 0-255 (e.g. (weights * 255).astype(numpy.uint8))')
    if mask.size > MAX_MASK_PIXELS:
        raise ValueError(f'mask of {mask.shape[1]}x{mask.shape[0]}: at most {MAX_MASK_PIXELS} pixels (scale it down: it is scaled to the picture anyway)')
    return results, numpy.ascontiguousarray(mask)


def exit_when_orphaned():
    """A hung apply() never reads the end of its input: leave when CamLoop itself is gone."""
    parent = os.getppid()
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


def run(path, source, out):
    try:
        module, description = load(path)
        import numpy
        if callable(getattr(module, 'setup', None)):
            module.setup()
    except BaseException as error:  # a SyntaxError, a missing cv2, a setup() that raised: all reported
        send(out, FATAL, {'error': f'{type(error).__name__}: {error}', 'traceback': last_lines(error)})
        return 1
    send(out, READY)
    header = bytearray(HEADER.size)
    pixels = bytearray()
    while read_exactly(source, memoryview(header)):
        magic, version, kind, fmt, _flags, width, height, sequence, timestamp, json_length, payload_length = HEADER.unpack(header)
        if magic != MAGIC or version != VERSION or kind != FRAME or fmt != FORMAT_BGR24 or payload_length != width * height * 3:
            send(out, FATAL, {'error': f'protocol error: unexpected header {bytes(header)!r}'})
            return 2
        body = bytearray(json_length)
        if len(pixels) != payload_length:
            pixels = bytearray(payload_length)
        if not (read_exactly(source, memoryview(body)) and read_exactly(source, memoryview(pixels))):
            break
        params = json.loads(body) if json_length else {}
        image = numpy.frombuffer(pixels, dtype=numpy.uint8).reshape(height, width, 3)
        try:
            # send() encodes the JSON before writing a byte: results that are not JSON become an ERROR.
            if description['kind'] == 'detect':
                image.flags.writeable = False  # detect() finds; CamLoop draws
                results, mask = to_detection(module.detect(image, params), numpy)
                if mask is None:
                    send(out, RESULT, {'results': results}, None, 0, 0, sequence, timestamp)
                else:
                    send(out, RESULT, {'results': results}, mask, mask.shape[1], mask.shape[0], sequence, timestamp, FORMAT_MASK8)
            else:
                output, results = to_output(module.apply(image, params), image, numpy)
                send(out, RESULT, {'results': results} if results else None, output, width, height, sequence, timestamp)
        except Exception as error:
            send(out, ERROR, {'error': f'{type(error).__name__}: {error}', 'traceback': last_lines(error)}, None, width, height, sequence, timestamp)
    return 0


def main(argv):
    if len(argv) != 3 or argv[1] not in ('describe', 'run'):
        print('usage: camloop_host.py describe|run FILE', file=sys.stderr)
        return 64
    command, path = argv[1], argv[2]
    out = open(4, 'wb', buffering=0)
    if command == 'describe':
        try:
            _, description = load(path)
        except BaseException as error:
            description = {'error': f'{type(error).__name__}: {error}', 'traceback': last_lines(error)}
        out.write((json.dumps(description) + '\n').encode())
        return 0
    threading.Thread(target=exit_when_orphaned, daemon=True).start()
    return run(path, open(3, 'rb', buffering=0), out)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
