#!/usr/bin/env python3
"""Draws NetAssist's icon: a rounded teal square with two arrows, white
to the right (send) above amber to the left (receive). One drawing, used
everywhere: resources/netassist.png (256 px: the window, the .desktop
entry) and resources/netassist.ico (16, 24, 32, 48, 64 and 256 px: the
exe). Standard library only; the outputs are committed, so this runs
only when the design changes:

    python3 scripts/make-icon.py
"""
import math
import os
import struct
import zlib

TEAL = (0x11, 0x6d, 0x7a)
WHITE = (0xff, 0xff, 0xff)
AMBER = (0xff, 0xb3, 0x2e)


def rounded_square(x, y, half, radius):
    """Signed distance (in units of the icon's side) to a rounded square
    centred at 0.5, 0.5."""
    qx = abs(x - 0.5) - (half - radius)
    qy = abs(y - 0.5) - (half - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def segment(x, y, ax, ay, bx, by, width):
    """Signed distance to a line from a to b with round ends."""
    px, py, dx, dy = x - ax, y - ay, bx - ax, by - ay
    t = max(0.0, min(1.0, (px * dx + py * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - dx * t, py - dy * t) - width / 2


def arrow(x, y, row, rightwards):
    """An arrow on the row `row`: a shaft and a two-stroke head."""
    left, right, head, width = 0.24, 0.76, 0.13, 0.085
    tip, tail = (right, left) if rightwards else (left, right)
    back = tip - head if rightwards else tip + head
    return min(
        segment(x, y, tail, row, tip, row, width),
        segment(x, y, tip, row, back, row - head, width),
        segment(x, y, tip, row, back, row + head, width),
    )


def draw(size):
    """RGBA rows of the icon at `size` × `size` pixels, antialiased by the
    distance to each shape's edge."""
    pixel = 1.0 / size
    rows = []
    for j in range(size):
        row = bytearray()
        for i in range(size):
            x, y = (i + 0.5) * pixel, (j + 0.5) * pixel
            cover = lambda d: max(0.0, min(1.0, 0.5 - d / pixel))
            base = cover(rounded_square(x, y, 0.47, 0.12))
            colour = TEAL
            for shape, ink in ((arrow(x, y, 0.37, True), WHITE), (arrow(x, y, 0.63, False), AMBER)):
                a = cover(shape)
                colour = tuple(c * (1 - a) + k * a for c, k in zip(colour, ink))
            row += bytes(round(c) for c in colour) + bytes([round(base * 255)])
        rows.append(bytes(row))
    return rows


def png(size):
    rows = draw(size)
    raw = b"".join(b"\0" + row for row in rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def ico(images):
    """An .ico holding PNG images (Windows Vista and later read these)."""
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in images:
        side = 0 if size >= 256 else size
        out += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(data for _, data in images)


def main():
    resources = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources")
    images = [(size, png(size)) for size in (16, 24, 32, 48, 64, 256)]
    with open(os.path.join(resources, "netassist.png"), "wb") as f:
        f.write(images[-1][1])
    with open(os.path.join(resources, "netassist.ico"), "wb") as f:
        f.write(ico(images))


if __name__ == "__main__":
    main()
