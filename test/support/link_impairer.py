#!/usr/bin/env python3
"""A bad network link for the tests: bridges two interfaces at layer 2 and delays, jitters, drops and
rate-limits the frames it passes, as netem would (this kernel has no netem qdisc).

    link_impairer.py DEV_A DEV_B [--seed N]

Runs in a middle namespace between a phone (DEV_A's side) and the LAN (DEV_B's side). Reads JSON
lines on stdin and answers each with one JSON line on stdout:

    {"a_to_b": PROFILE, "b_to_a": PROFILE}   set each direction (either may be left out)
    {"both": PROFILE}                         set both directions
    {"stats": true}                           counts per direction
    PROFILE = {"delay_ms": 50, "jitter_ms": 10, "loss": 0.03, "rate_kbps": 1000, "queue_ms": 100, "down": false}

Prints {"ready": true} once both sockets are bound. Frames leave in the order they came (jitter
varies the delay but never reorders, as on a real path), and a rate-capped direction drops what
would wait longer than queue_ms in its queue (drop-tail, like a router's buffer).
"""
import heapq
import json
import os
import random
import select
import socket
import sys
import time

ETH_P_ALL = 3
PACKET_OUTGOING = 4
DEFAULTS = {"delay_ms": 0.0, "jitter_ms": 0.0, "loss": 0.0, "rate_kbps": 0.0, "queue_ms": 100.0, "down": False}


class Direction:
    """When each frame of one direction leaves, or None if it is lost: pure, so it is unit-tested."""

    def __init__(self, rng):
        self.rng = rng
        self.profile = dict(DEFAULTS)
        self.busy_until = 0.0
        self.last_due = 0.0
        self.counts = {"passed": 0, "lost": 0, "queue_full": 0, "down": 0}

    def configure(self, profile):
        unknown = set(profile) - set(DEFAULTS)
        if unknown:
            raise ValueError(f"unknown profile keys: {sorted(unknown)}")
        self.profile.update(profile)

    def schedule(self, now, size):
        p = self.profile
        if p["down"]:
            self.counts["down"] += 1
            return None
        if p["loss"] and self.rng.random() < p["loss"]:
            self.counts["lost"] += 1
            return None
        sent = now
        if p["rate_kbps"]:
            start = max(now, self.busy_until)
            if start - now > p["queue_ms"] / 1000:
                self.counts["queue_full"] += 1
                return None
            self.busy_until = start + size * 8 / (p["rate_kbps"] * 1000)
            sent = self.busy_until
        delay = p["delay_ms"] + (self.rng.uniform(-p["jitter_ms"], p["jitter_ms"]) if p["jitter_ms"] else 0.0)
        due = max(sent + max(0.0, delay) / 1000, self.last_due)
        self.last_due = due
        self.counts["passed"] += 1
        return due


def open_socket(device):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    s.bind((device, ETH_P_ALL))
    s.setblocking(False)
    return s


def main(argv):
    args = [a for a in argv if not a.startswith("--seed")]
    seed = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--seed=")), 1)
    if len(args) != 2:
        sys.exit(__doc__)
    rng = random.Random(seed)
    socks = [open_socket(args[0]), open_socket(args[1])]
    directions = {"a_to_b": Direction(rng), "b_to_a": Direction(rng)}
    # socket index -> (direction of what it receives, socket that sends it on)
    routes = {0: (directions["a_to_b"], socks[1]), 1: (directions["b_to_a"], socks[0])}
    queue = []  # (due, order, out socket, frame)
    order = 0
    stdin = sys.stdin.fileno()
    pending = b""
    reply({"ready": True})
    while True:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            try:
                out.send(frame)
            except (BlockingIOError, OSError):
                pass
        timeout = max(0.0, queue[0][0] - now) if queue else 1.0
        readable, _, _ = select.select([socks[0], socks[1], stdin], [], [], timeout)
        now = time.monotonic()
        for r in readable:
            if r == stdin:
                chunk = os.read(stdin, 65536)
                if not chunk:
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if line.strip():
                        command(json.loads(line), directions)
                continue
            index = socks.index(r)
            direction, out = routes[index]
            while True:
                try:
                    frame, address = r.recvfrom(65536)
                except BlockingIOError:
                    break
                if address[2] == PACKET_OUTGOING:
                    continue  # our own sends, seen again on their way out
                due = direction.schedule(now, len(frame))
                if due is not None:
                    heapq.heappush(queue, (due, order, out, frame))
                    order += 1


def command(message, directions):
    try:
        if message.get("stats"):
            return reply({name: d.counts for name, d in directions.items()})
        if "both" in message:
            message = {"a_to_b": message["both"], "b_to_a": message["both"]}
        for name, profile in message.items():
            directions[name].configure(profile)
        reply({"ok": True})
    except (KeyError, ValueError, TypeError) as error:
        reply({"error": str(error)})


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
