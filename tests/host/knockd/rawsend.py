#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Test helper: TCP knocks from forged IPv4 sources (IP_HDRINCL), for the knockd tests.

  rawsend.py seq SRC DST PORT[:FLAGS] ...     one packet per port, in order (FLAGS hex, default SYN)
  rawsend.py flood DST COUNT SEED PORT,... [STOPFILE]
                                              COUNT SYNs from random sources in DST's /16
                                              to random ports of the list; with STOPFILE, prints
                                              "flooding" after 1000 and goes on past COUNT until
                                              STOPFILE exists
  rawsend.py bench DST SOURCES NOISE PORT,... from each of SOURCES sources, the PORT sequence
                                              of SYNs, each followed by NOISE SYNs to port 5555
"""
import os
import random
import socket
import struct
import sys
import time


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packet(src: str, dst: str, port: int, flags: int, sport: int) -> bytes:
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, port, random.getrandbits(32), 0, 5 << 4, flags, 1024, 0, 0)
    csum = checksum(s + d + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", csum) + tcp[18:]
    # Total length, id and header checksum are filled in by the kernel.
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 0, 0, 0, 64, 6, 0, s, d)
    return ip + tcp


def main() -> int:
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    if sys.argv[1] == "seq":
        src, dst = sys.argv[2], sys.argv[3]
        for item in sys.argv[4:]:
            port, _, flags = item.partition(":")
            sock.sendto(packet(src, dst, int(port), int(flags or "2", 16), random.randint(1024, 65000)), (dst, 0))
    elif sys.argv[1] == "flood":
        dst, count, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        ports = [int(p) for p in sys.argv[5].split(",")]
        stop = sys.argv[6] if len(sys.argv) > 6 else None
        rng = random.Random(seed)
        prefix = dst.rsplit(".", 2)[0]
        sent = 0
        while sent < count or (stop and not os.path.exists(stop)):
            src = f"{prefix}.{rng.randint(1, 254)}.{rng.randint(3, 254)}"
            sock.sendto(packet(src, dst, rng.choice(ports), 2, rng.randint(1024, 65000)), (dst, 0))
            sent += 1
            if stop and sent == 1000:
                print("flooding", flush=True)
    elif sys.argv[1] == "bench":
        dst, sources, noise = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        ports = [int(p) for p in sys.argv[5].split(",")]
        prefix = dst.rsplit(".", 2)[0]
        packets = []
        for i in range(sources):
            src = f"{prefix}.{i // 250 % 250 + 1}.{i % 250 + 3}"
            for port in ports:
                packets.append(packet(src, dst, port, 2, 40000))
                packets += [packet(src, dst, 5555, 2, 40000)] * noise
        start = time.monotonic()
        for p in packets:
            sock.sendto(p, (dst, 0))
        elapsed = time.monotonic() - start
        print(f"sent {len(packets)} packets in {elapsed:.2f} s ({len(packets) / elapsed:.0f} pps)")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
