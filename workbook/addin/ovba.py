"""MS-OVBA 2.4.1 compression, and the VBA `dir` stream as a list of records.

Module streams and the `dir` stream of a vbaProject.bin are stored compressed; Excel reads the
source from them and recompiles when the project carries no p-code for the module.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

CHUNK = 4096
MIN_MATCH = 3
_CANDIDATES = 64  # match candidates tried per position: plenty for source text, keeps it fast


def _split(position: int) -> tuple[int, int]:
    """(bit count of the offset, maximum match length) at `position` bytes into a chunk."""
    bits = max((position - 1).bit_length(), 4)
    return bits, (0xFFFF >> bits) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = 0
    while pos < len(chunk):
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= len(chunk):
                break
            bits, max_len = _split(pos)
            best_len, best_off = 0, 0
            key = chunk[pos:pos + MIN_MATCH]
            if len(key) == MIN_MATCH:
                limit = min(max_len, len(chunk) - pos)
                for cand in reversed(heads.get(key, [])[-_CANDIDATES:]):
                    length = MIN_MATCH
                    while length < limit and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            step = best_len if best_len >= MIN_MATCH else 1
            if step > 1:
                out += struct.pack("<H", ((best_off - 1) << (16 - bits)) | (best_len - 3))
                flags |= 1 << bit
            else:
                out.append(chunk[pos])
            for p in range(pos, pos + step):
                if p + MIN_MATCH <= len(chunk):
                    heads.setdefault(chunk[p:p + MIN_MATCH], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer for `data` (deterministic: same input, same bytes)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) >= CHUNK:
            # Incompressible (never source text): a raw chunk, zero-padded as MS-OVBA 2.4.1.3.10 says.
            out += struct.pack("<H", 0x3FFF) + chunk.ljust(CHUNK, b"\x00")
        else:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
    return bytes(out)


def decompress(data: bytes) -> bytes:
    if not data or data[0] != 1:
        raise ValueError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        end = min(pos + size, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:
            out += data[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags >> bit & 1:
                    token = struct.unpack_from("<H", data, pos)[0]
                    pos += 2
                    bits, _ = _split(len(out) - start)
                    offset = (token >> (16 - bits)) + 1
                    length = (token & (0xFFFF >> bits)) + 3
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(data[pos])
                    pos += 1
    return bytes(out)


@dataclass
class Record:
    id: int
    body: bytes


PROJECTVERSION = 0x09  # its size field says 4, yet 6 bytes follow


def parse_dir(data: bytes) -> list[Record]:
    """The decompressed `dir` stream as (id, body) records, in order."""
    records: list[Record] = []
    pos = 0
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == PROJECTVERSION:
            size = 6
        records.append(Record(rid, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return records


def dump_dir(records: list[Record]) -> bytes:
    out = bytearray()
    for rec in records:
        size = 4 if rec.id == PROJECTVERSION else len(rec.body)
        out += struct.pack("<HI", rec.id, size) + rec.body
    return bytes(out)
