"""A small MS-CFB (compound file, version 3) reader and writer: enough for a vbaProject.bin.

The writer is deterministic (zero timestamps and CLSIDs, fixed layout), so the same streams
give the same bytes. Storages are implied by stream paths ("VBA/dir").
"""

from __future__ import annotations

import struct
from functools import cmp_to_key

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
HEADER_DIFAT = 109


# ---------------------------------------------------------------- reading

def read(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file, keyed by its path ("VBA/dir")."""
    if data[:8] != SIGNATURE:
        raise ValueError("not a compound file")
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    size, mini_size = 1 << shift, 1 << mini_shift
    (fat_count, dir_start, _, cutoff, minifat_start, _, difat_start, difat_count) = struct.unpack_from(
        "<IIIIIIII", data, 44)
    if difat_count or difat_start not in (END, FREE):
        raise ValueError("compound file too large for this reader")

    def sector(n: int) -> bytes:
        return data[(n + 1) * size:(n + 2) * size]

    difat = struct.unpack_from(f"<{HEADER_DIFAT}I", data, 76)[:fat_count]
    fat: list[int] = []
    for n in difat:
        fat += struct.unpack(f"<{size // 4}I", sector(n))

    def chain(start: int) -> bytes:
        out, n, seen = bytearray(), start, 0
        while n not in (END, FREE) and seen <= len(fat):
            out += sector(n)
            n, seen = fat[n], seen + 1
        return bytes(out)

    directory = chain(dir_start)
    entries = [directory[i:i + 128] for i in range(0, len(directory), 128)]
    root_start, root_size = struct.unpack_from("<IQ", entries[0], 116)
    ministream = chain(root_start)[:root_size]
    minifat_raw = chain(minifat_start) if minifat_start not in (END, FREE) else b""
    minifat = list(struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw))

    def mini_chain(start: int, length: int) -> bytes:
        out, n = bytearray(), start
        while n not in (END, FREE) and len(out) < length:
            out += ministream[n * mini_size:(n + 1) * mini_size]
            n = minifat[n]
        return bytes(out[:length])

    streams: dict[str, bytes] = {}

    def walk(index: int, prefix: str) -> None:
        if index == NOSTREAM:
            return
        entry = entries[index]
        name_len = struct.unpack_from("<H", entry, 64)[0]
        name = entry[:max(name_len - 2, 0)].decode("utf-16-le")
        kind = entry[66]
        left, right, child = struct.unpack_from("<III", entry, 68)
        start, length = struct.unpack_from("<IQ", entry, 116)
        walk(left, prefix)
        walk(right, prefix)
        if kind == STORAGE:
            walk(child, f"{prefix}{name}/")
        elif kind == STREAM:
            streams[prefix + name] = (mini_chain(start, length) if length < cutoff
                                      else chain(start)[:length])

    walk(struct.unpack_from("<I", entries[0], 76)[0], "")
    return streams


# ---------------------------------------------------------------- writing

def _order(a: str, b: str) -> int:
    """MS-CFB 2.6.4: shorter names first, then by upper-cased UTF-16 code units."""
    if len(a) != len(b):
        return -1 if len(a) < len(b) else 1
    ua, ub = a.upper(), b.upper()
    return (ua > ub) - (ua < ub)


def _by_name(a: _Node, b: _Node) -> int:
    return _order(a.name, b.name)


class _Node:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Node] = {}
        self.index = 0
        self.left = self.right = self.child = NOSTREAM
        self.start, self.size = (0, 0) if kind == STORAGE else (END, 0)  # MS-CFB 2.6.3: storages 0, 0
        self.colour = BLACK


def _tree(streams: dict[str, bytes]) -> list[_Node]:
    """Directory entries in order, root first, with balanced sibling trees (all black)."""
    root = _Node("Root Entry", ROOT)
    for path, data in streams.items():
        node = root
        *dirs, leaf = path.split("/")
        for part in dirs:
            node = node.children.setdefault(part, _Node(part, STORAGE))
        node.children[leaf] = _Node(leaf, STREAM, data)
    nodes: list[_Node] = []

    def number(node: _Node) -> None:
        node.index = len(nodes)
        nodes.append(node)
        kids = sorted(node.children.values(), key=cmp_to_key(_by_name))
        for kid in kids:
            number(kid)
        node.child = _balance(kids)

    number(root)
    return nodes


def _balance(kids: list[_Node], depth: int = 0, red_at: int | None = None) -> int:
    """A balanced sibling tree that is a valid red-black tree: median splits keep every leaf on the
    last two levels; when the last level is not full, its nodes are red, so every path from the
    root passes the same number of black nodes."""
    if not kids:
        return NOSTREAM
    if red_at is None:
        full = (len(kids) + 1) & len(kids) == 0  # 2**k - 1 nodes: a perfect tree, all black
        red_at = -1 if full else len(kids).bit_length() - 1
    mid = len(kids) // 2
    node = kids[mid]
    node.colour = RED if depth == red_at else BLACK
    node.left = _balance(kids[:mid], depth + 1, red_at)
    node.right = _balance(kids[mid + 1:], depth + 1, red_at)
    return node.index


def _pad(data: bytes, unit: int) -> bytes:
    return data + b"\x00" * (-len(data) % unit)


def write(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams` (path -> bytes)."""
    nodes = _tree(streams)
    # Small streams go to the mini stream, in directory order.
    ministream, minifat = bytearray(), list[int]()
    for node in nodes:
        if node.kind == STREAM and len(node.data) < CUTOFF:
            count = -(-len(node.data) // MINI)
            node.start = len(ministream) // MINI if count else END
            node.size = len(node.data)
            minifat += [len(minifat) + i + 1 for i in range(count - 1)] + ([END] if count else [])
            ministream += _pad(node.data, MINI)
    big = [n for n in nodes if n.kind == STREAM and len(n.data) >= CUTOFF]
    minifat += [FREE] * (-len(minifat) % (SECTOR // 4))  # unused mini sectors are free, not chained to 0
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    dir_sectors = -(-len(nodes) * 128 // SECTOR)
    payload = [len(minifat_bytes) // SECTOR, -(-len(ministream) // SECTOR),
               *(-(-len(n.data) // SECTOR) for n in big)]
    fat_count = 1
    while fat_count * (SECTOR // 4) < fat_count + dir_sectors + sum(payload):
        fat_count += 1
    if fat_count > HEADER_DIFAT:
        raise ValueError("vbaProject too large for this writer")
    fat = [FATSECT] * fat_count
    body = bytearray()

    def place(data: bytes, count: int) -> int:
        if not count:
            return END
        first = len(fat)
        fat.extend([first + i + 1 for i in range(count - 1)] + [END])
        body.extend(_pad(data, SECTOR))
        return first

    dir_start = len(fat)
    fat.extend([dir_start + i + 1 for i in range(dir_sectors - 1)] + [END])
    minifat_start = place(minifat_bytes, payload[0])
    root = nodes[0]
    root.start, root.size = place(bytes(ministream), payload[1]), len(ministream)
    for node, count in zip(big, payload[2:], strict=True):
        node.start, node.size = place(node.data, count), len(node.data)
    fat.extend([FREE] * (fat_count * (SECTOR // 4) - len(fat)))

    directory = bytearray()
    for node in nodes:
        name = node.name.encode("utf-16-le")
        directory += struct.pack("<64sHBBIII16sIQQIQ", name, len(name) + 2, node.kind, node.colour,
                                 node.left, node.right, node.child, b"\x00" * 16, 0, 0, 0,
                                 node.start, node.size)
    while len(directory) < dir_sectors * SECTOR:  # unused entries
        directory += struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                                 b"\x00" * 16, 0, 0, 0, 0, 0)
    difat = list(range(fat_count)) + [FREE] * (HEADER_DIFAT - fat_count)
    header = (SIGNATURE + b"\x00" * 16 + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"",
                                                    0, fat_count, dir_start, 0, CUTOFF,
                                                    minifat_start, payload[0], END, 0)
              + struct.pack(f"<{HEADER_DIFAT}I", *difat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + fat_bytes + bytes(directory) + bytes(body)
