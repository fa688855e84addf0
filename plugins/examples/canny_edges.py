"""Edges with OpenCV's Canny, the filter of aiortc's examples/server, as a CamLoop Python filter."""
import cv2

ID = 'py-canny'
LABEL = 'Canny edges (Python cv2)'
PARAMS = [
    {'name': 'low', 'label': 'Low threshold', 'type': 'number', 'min': 0, 'max': 500, 'step': 5, 'default': 100},
    {'name': 'high', 'label': 'High threshold', 'type': 'number', 'min': 0, 'max': 500, 'step': 5, 'default': 200},
]


def apply(image, params):
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(gray, params['low'], params['high'])
    return cv2.cvtColor(edges, cv2.COLOR_GRAY2BGR)
