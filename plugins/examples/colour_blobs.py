"""Finds the largest patch of one colour, boxes it and reports where it is (results reach the API,
the panel and the phone). setup() runs once per camera: the place for models and state."""
import cv2
import numpy as np

ID = 'py-colour-blob'
LABEL = 'Colour blob finder (Python cv2)'
PARAMS = [
    {'name': 'colour', 'label': 'Colour', 'type': 'choice', 'choices': ['red', 'green', 'blue'], 'default': 'red'},
    {'name': 'minArea', 'label': 'Min area (% of picture)', 'type': 'number', 'min': 0.1, 'max': 50, 'step': 0.1, 'default': 1},
]

HUES = {'red': [(0, 10), (170, 180)], 'green': [(40, 80)], 'blue': [(100, 130)]}
kernel = None


def setup():
    global kernel
    kernel = np.ones((5, 5), np.uint8)


def apply(image, params):
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    mask = np.zeros(image.shape[:2], np.uint8)
    for low, high in HUES[params['colour']]:
        mask |= cv2.inRange(hsv, (low, 80, 60), (high, 255, 255))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    height, width = image.shape[:2]
    blobs = [c for c in contours if cv2.contourArea(c) >= params['minArea'] / 100 * width * height]
    if not blobs:
        return image, {'found': False}
    x, y, w, h = cv2.boundingRect(max(blobs, key=cv2.contourArea))
    cv2.rectangle(image, (x, y), (x + w, y + h), (255, 255, 255), max(2, height // 180))
    return image, {'found': True, 'box': {'x': x, 'y': y, 'width': w, 'height': h}}
