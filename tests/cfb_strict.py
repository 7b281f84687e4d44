"""A strict MS-CFB (version 3) checker, written from the specification for the add-in tests and
independent of workbook/addin/cfb.py: header fields, FAT and mini FAT chains (no cycles, no
sector used twice, no orphan sectors, chain lengths match sizes), directory entries (storages
with start sector 0 and size 0, sibling trees in MS-CFB order, red-black tree rules, every entry
reached exactly once, unused entries zeroed). Returns a list of problems; empty means sound."""

from __future__ import annotations

import struct

FREE, END, FATSECT, DIFSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF
EMPTY, STORAGE, STREAM, ROOT = 0, 1, 2, 5
RED, BLACK = 0, 1


def _key(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def check(data: bytes) -> list[str]:
    problems: list[str] = []
    if data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return ["bad signature"]
    minor, major, order, shift, mini_shift = struct.unpack_from("<HHHHH", data, 24)
    dir_sectors, fat_count, dir_start, _txn, cutoff, minifat_start, minifat_count, difat_start, difat_count = (
        struct.unpack_from("<IIIIIIIII", data, 40))
    if (minor, major, order, shift, mini_shift) != (0x3E, 3, 0xFFFE, 9, 6):
        problems.append(f"header version/order/shifts {(minor, major, order, shift, mini_shift)}")
    if data[8:24] != b"\x00" * 16 or data[34:40] != b"\x00" * 6 or dir_sectors != 0 or cutoff != 4096:
        problems.append("header reserved fields or cutoff")
    if (len(data) - 512) % 512:
        problems.append("file is not a whole number of sectors")
    sectors = (len(data) - 512) // 512
    if difat_count or difat_start != END:
        problems.append("DIFAT sectors not expected in a file this small")
    difat = struct.unpack_from("<109I", data, 76)
    fat_sectors = list(difat[:fat_count])
    if any(v != FREE for v in difat[fat_count:]):
        problems.append("unused DIFAT entries not FREE")
    fat: list[int] = []
    for n in fat_sectors:
        fat += struct.unpack_from("<128I", data, 512 + n * 512)
    if len(fat) < sectors:
        problems.append("FAT shorter than the file")
    used: dict[int, str] = {}
    for n in fat_sectors:
        if fat[n] != FATSECT:
            problems.append(f"FAT sector {n} not marked FATSECT")
        used[n] = "FAT"

    def chain(start: int, what: str) -> list[int]:
        out, n = [], start
        while n != END:
            if n >= sectors or n in used:
                problems.append(f"{what}: sector {n} out of range or used twice")
                return out
            used[n] = what
            out.append(n)
            n = fat[n]
        return out

    def read(start: int, what: str) -> bytes:
        return b"".join(data[512 + n * 512:1024 + n * 512] for n in chain(start, what))

    directory = read(dir_start, "directory")
    entries = [directory[i:i + 128] for i in range(0, len(directory), 128)]
    parsed = []
    for i, e in enumerate(entries):
        name_len, kind, colour, left, right, child = struct.unpack_from("<HBBIII", e, 64)
        start, size = struct.unpack_from("<IQ", e, 116)
        name = e[:max(name_len - 2, 0)].decode("utf-16-le", "replace")
        parsed.append((name, kind, colour, left, right, child, start, size))
        if kind == EMPTY:
            if e[:64] != b"\x00" * 64 or (left, right, child) != (NOSTREAM,) * 3 or start or size:
                problems.append(f"unused entry {i} not cleared")
            continue
        if name_len > 64 or name_len % 2 or e[name_len - 2:name_len] != b"\x00\x00":
            problems.append(f"entry {i} name length")
        if colour not in (RED, BLACK):
            problems.append(f"entry {i} colour {colour}")
        if kind == STORAGE and (start, size) != (0, 0):
            problems.append(f"storage {name!r}: start {start:#x} size {size} (MS-CFB 2.6.3 wants 0, 0)")
    if not parsed or parsed[0][1] != ROOT:
        return [*problems, "entry 0 is not the root"]
    root = parsed[0]
    mini = read(root[6], "ministream")[:root[7]] if root[7] else b""
    if root[7] == 0 and root[6] != END:
        problems.append("empty mini stream should start at ENDOFCHAIN")
    minifat_raw = read(minifat_start, "minifat") if minifat_count else b""
    if minifat_count and len(minifat_raw) != minifat_count * 512:
        problems.append("mini FAT sector count")
    minifat = list(struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw))
    mini_used: set[int] = set()
    seen: set[int] = set()

    def tree(index: int, path: str) -> list[str]:
        """Walk a sibling tree: in-order names, checking order and red-black rules."""
        names: list[str] = []

        def walk(i: int, depth: int) -> int:  # returns the black height
            if i == NOSTREAM:
                return 1
            if i >= len(parsed) or i in seen:
                problems.append(f"{path}: entry {i} out of range or reached twice")
                return 1
            seen.add(i)
            name, kind, colour, left, right, child, start, size = parsed[i]
            if kind not in (STORAGE, STREAM):
                problems.append(f"{path}: entry {i} of type {kind} in a sibling tree")
            for side in (left, right):
                if colour == RED and side != NOSTREAM and side < len(parsed) and parsed[side][2] == RED:
                    problems.append(f"{path}{name}: red node with a red child")
            hl = walk(left, depth + 1)
            names.append(name)
            hr = walk(right, depth + 1)
            if hl != hr:
                problems.append(f"{path}{name}: black heights differ ({hl} vs {hr})")
            if kind == STORAGE:
                tree(child, f"{path}{name}/")
            elif kind == STREAM:
                stream(i, name, start, size)
            return hl + (colour == BLACK)

        if index != NOSTREAM and index < len(parsed) and parsed[index][2] != BLACK:
            problems.append(f"{path}: sibling tree root is not black")
        walk(index, 0)
        if [_key(n) for n in names] != sorted(_key(n) for n in names) or len(set(map(_key, names))) != len(names):
            problems.append(f"{path}: siblings not in MS-CFB order: {names}")
        return names

    def stream(i: int, name: str, start: int, size: int) -> None:
        if size < 4096:
            n, count = start, 0
            while n != END and count < size:
                if n >= len(minifat) or n in mini_used or (n + 1) * 64 > len(mini):
                    problems.append(f"{name}: mini sector {n} bad or used twice")
                    return
                mini_used.add(n)
                count += 64
                n = minifat[n]
            if count < size or n != END:
                problems.append(f"{name}: mini chain length does not match size {size}")
        else:
            got = chain(start, name)
            if len(got) != -(-size // 512):
                problems.append(f"{name}: chain of {len(got)} sectors for size {size}")

    tree(root[5], "/")
    live = {i for i, p in enumerate(parsed) if p[1] != EMPTY}
    if seen | {0} != live:
        problems.append(f"entries never reached: {sorted(live - seen - {0})}")
    allocated = {n for n in range(sectors) if fat[n] != FREE}
    if allocated != set(used):
        problems.append(f"orphan sectors: {sorted(allocated - set(used))}; free but used: {sorted(set(used) - allocated)}")
    if any(v != FREE for v in fat[sectors:]):
        problems.append("FAT entries beyond the file are not FREE")
    mini_allocated = {n for n, v in enumerate(minifat) if v != FREE}
    if mini_allocated != mini_used:
        problems.append(f"orphan mini sectors: {sorted(mini_allocated - mini_used)}")
    if len(mini) != -(-len(mini) // 64) * 64 or len(mini) // 64 < len(mini_used):
        problems.append("mini stream size")
    return problems
