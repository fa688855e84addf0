#!/usr/bin/env python3
"""UDP round trips for the link impairer's test (there is no ping on these machines).

    udp_probe.py echo PORT                           answer every datagram with itself
    udp_probe.py probe HOST PORT COUNT GAP_MS SIZE   send COUNT datagrams of SIZE bytes GAP_MS apart,
                                                     print {"sent", "received", "rtt_ms": [...], "span_s"}
"""
import json
import select
import socket
import struct
import sys
import time


def echo(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    print(json.dumps({"ready": True}), flush=True)
    while True:
        data, address = s.recvfrom(65536)
        s.sendto(data, address)


def probe(host, port, count, gap_ms, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    rtts, start, last = [], time.monotonic(), None
    for i in range(count):
        due = start + i * gap_ms / 1000
        last = wait_until(s, rtts, due) or last
        s.sendto(struct.pack("!Id", i, time.monotonic()).ljust(size, b"\0"), (host, port))
    last = wait_until(s, rtts, time.monotonic() + 1.5) or last
    span = (last or start) - start
    print(json.dumps({"sent": count, "received": len(rtts), "rtt_ms": rtts, "span_s": span}), flush=True)


def wait_until(s, rtts, due):
    """Drains replies until `due`, sleeping in select rather than spinning: a spinning probe took a
    whole core from the forwarder it measures on a 2-core CI machine."""
    last = None
    while (left := due - time.monotonic()) > 0:
        select.select([s], [], [], left)
        last = drain(s, rtts) or last
    return last


def drain(s, rtts):
    got = None
    while True:
        try:
            data = s.recv(65536)
        except BlockingIOError:
            return got
        _, sent = struct.unpack("!Id", data[:12])
        got = time.monotonic()
        rtts.append((got - sent) * 1000)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "echo":
        echo(int(args[0]))
    else:
        probe(args[0], int(args[1]), int(args[2]), float(args[3]), int(args[4]))
