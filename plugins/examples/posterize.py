"""Posterize in pure numpy (no cv2): each channel rounded down to a few levels, in place."""
import numpy as np

ID = 'py-posterize'
LABEL = 'Posterize (Python numpy)'
PARAMS = [{'name': 'levels', 'label': 'Levels per channel', 'type': 'number', 'min': 2, 'max': 16, 'step': 1, 'default': 4}]


def apply(image, params):
    step = 256 // int(params['levels'])
    np.floor_divide(image, step, out=image)
    np.multiply(image, step, out=image)
    # Returning None means: I edited `image` in place.
