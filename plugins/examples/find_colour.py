"""A detect filter: finds the patches of one colour in the picture. detect() only says what it
found; CamLoop draws it (the boxes, and the mask with the effect chosen in the panel) on every
frame at the camera's rate, however slow detect() is. The results also stream out (docs/detect.md)."""
import cv2
import numpy as np

ID = 'py-find-colour'
LABEL = 'Find a colour (Python detect)'
PARAMS = [
    {'name': 'hue', 'label': 'Colour to find', 'type': 'choice', 'choices': ['red', 'green', 'blue'], 'default': 'red'},
    {'name': 'minArea', 'label': 'Min area (% of picture)', 'type': 'number', 'min': 0.1, 'max': 50, 'step': 0.1, 'default': 0.5},
]

HUES = {'red': [(0, 10), (170, 180)], 'green': [(40, 80)], 'blue': [(100, 130)]}
kernel = np.ones((5, 5), np.uint8)


def detect(image, params):
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    mask = np.zeros(image.shape[:2], np.uint8)
    for low, high in HUES[params['hue']]:
        mask |= cv2.inRange(hsv, (low, 80, 60), (high, 255, 255))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    height, width = image.shape[:2]
    least = params['minArea'] / 100 * width * height
    boxes = []
    for contour in contours:
        if cv2.contourArea(contour) >= least:
            x, y, w, h = cv2.boundingRect(contour)
            boxes.append({'x': x, 'y': y, 'width': w, 'height': h, 'label': params['hue']})
    # Pixels of the picture given; the mask (HxW uint8, any size) travels as binary, not JSON.
    return {'boxes': boxes, 'mask': mask, 'count': len(boxes)}
