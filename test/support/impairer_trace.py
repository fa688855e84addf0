#!/usr/bin/env python3
"""Runs link_impairer.Direction (when each frame leaves) on scripted traffic and prints what it did,
for test/unit/tools/link-impairer.test.ts, which judges it. Reads one JSON list of runs on stdin:

    [{"seed": 7, "steps": [STEP, ...]}, ...]
    STEP = {"configure": PROFILE}                              as the impairer's stdin command takes it
         | {"send": COUNT, "at": START_S, "every": GAP_S, "size": BYTES}

Prints one JSON list, a result per run: {"sent": [[due_s or null, ...] per send step], "errors":
[message per refused configure], "counts": {...}}.
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from link_impairer import Direction  # noqa: E402


def run(spec):
    direction = Direction(random.Random(spec.get("seed", 1)))
    result = {"sent": [], "errors": []}
    for step in spec["steps"]:
        if "configure" in step:
            try:
                direction.configure(step["configure"])
            except ValueError as error:
                result["errors"].append(str(error))
        else:
            at, every, size = step.get("at", 0.0), step.get("every", 0.0), step.get("size", 1000)
            result["sent"].append([direction.schedule(at + i * every, size) for i in range(step["send"])])
    result["counts"] = direction.counts
    return result


if __name__ == "__main__":
    print(json.dumps([run(spec) for spec in json.load(sys.stdin)]))
