"""Zip I/O: read a workbook package and write a new one that copies every untouched entry
verbatim (local header, compressed bytes and central record), compressing only new content.

New content is deflated at level 3, not zlib's default 6: on a 20k-row ledger's 28 MB sheet XML
level 3 takes 0.14 s against 0.37 s for a file 17% larger (3.1 MB against 2.6 MB); Excel itself
does not compress hard. A `Deflater` compresses a big part in a worker thread as soon as its bytes
are final (zlib releases the GIL), while the writer goes on rendering the next sheet; a tool
sheet is deflated as its rows are made (`deflate_pieces`), its XML never whole."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

from taizhang.core.errors import BadInput
from taizhang.workbook.bounded import MAX_PART, MAX_TOTAL

_EOCD = b"PK\x05\x06"
_CEN = b"PK\x01\x02"
_LOC = b"PK\x03\x04"
_DESC = b"PK\x07\x08"
_NEW_TIME = (0, 0x21)  # 1980-01-01 00:00: fixed, so a rerun writes identical bytes
LEVEL = 3  # see the module docs
EARLY = 1 << 20  # parts this big are deflated in the background as soon as they are written
_THREADED = 1 << 16  # smaller parts are deflated at once: a thread's hand-over would cost more


@dataclass
class _Entry:
    name: str
    central: bytes  # the raw central-directory record, offset patched on write
    offset: int
    compress_size: int
    flags: int
    time: int
    date: int


class Package:
    """A workbook zip held in memory: its raw bytes, entry order and part contents on demand."""

    def __init__(self, data: bytes, label: str) -> None:
        self.data = data
        self.label = label
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except Exception:  # BadZipFile, and ValueError/NotImplementedError on stranger damage
            raise BadInput(f"{label} 不是 Excel 工作簿（.xlsx/.xlsm），或文件已损坏。") from None
        infos = self._zip.infolist()
        if sum(i.file_size for i in infos) > MAX_TOTAL or any(i.file_size > MAX_PART for i in infos):
            raise BadInput(
                f"{label} 解压后过大（单个部件上限 {MAX_PART // 1048576} MB、合计上限 {MAX_TOTAL // 1048576} MB），"
                "疑似压缩炸弹，拒绝处理。"
            )
        try:
            self.entries = self._read_central()
        except (struct.error, IndexError, UnicodeDecodeError):
            raise BadInput(f"{label} 的压缩目录损坏。") from None
        self.names = [e.name for e in self.entries]

    def _read_central(self) -> list[_Entry]:
        data = self.data
        pos = data.rfind(_EOCD, max(0, len(data) - 65557))
        if pos < 0:
            raise BadInput(f"{self.label} 的压缩目录损坏。")
        count, _size, start = struct.unpack("<HII", data[pos + 10 : pos + 20])
        if count == 0xFFFF or start == 0xFFFFFFFF:
            raise BadInput(f"{self.label} 是 ZIP64 格式（超过 4 GB），暂不支持写入。")
        self.comment = data[pos + 22 :]
        entries = []
        p = start
        for _ in range(count):
            if data[p : p + 4] != _CEN:
                raise BadInput(f"{self.label} 的压缩目录损坏。")
            flags, _method, time, date = struct.unpack("<HHHH", data[p + 8 : p + 16])
            csize, _usize, nlen, xlen, clen = struct.unpack("<IIHHH", data[p + 20 : p + 34])
            offset = struct.unpack("<I", data[p + 42 : p + 46])[0]
            end = p + 46 + nlen + xlen + clen
            raw_name = data[p + 46 : p + 46 + nlen]
            name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
            entries.append(_Entry(name, data[p:end], offset, csize, flags, time, date))
            p = end
        return entries

    def read(self, name: str) -> bytes:
        """A part's content; zipfile stops at the declared size, which the checks above bound."""
        try:
            return self._zip.read(name)
        except KeyError:
            raise
        except Exception as exc:  # BadZipFile (CRC: a size that lied), zlib.error, EOFError
            raise BadInput(f"{self.label} 中的部件 {name} 已损坏（{exc}），无法读取。") from None

    def has(self, name: str) -> bool:
        return name in self.names

    def holds(self, name: str, packed: Deflated) -> bool:
        """Whether the part `name` holds exactly the bytes `packed` deflates: the CRC and size
        first, then (when they agree) the bytes compared a MB at a time, never both whole."""
        entry = next(e for e in self.entries if e.name == name)
        crc, _csize, size = struct.unpack("<III", entry.central[16:28])
        if (crc, size) != (packed.crc, packed.size):
            return False
        inflate = zlib.decompressobj(-15)
        try:
            with self._zip.open(name) as old:
                for i in range(0, len(packed.body), 1 << 20):
                    new = inflate.decompress(packed.body[i : i + (1 << 20)])
                    if old.read(len(new)) != new:
                        return False
                rest = inflate.flush()
                return old.read(len(rest)) == rest and old.read(1) == b""
        except Exception:  # a damaged old part (BadZipFile, zlib.error): not the same
            return False

    def raw_block(self, entry: _Entry) -> bytes:
        """Local header + compressed data (+ data descriptor), exactly as stored."""
        data, off = self.data, entry.offset
        if data[off : off + 4] != _LOC:
            raise BadInput(f"{self.label} 中 {entry.name} 的本地文件头损坏。")
        nlen, xlen = struct.unpack("<HH", data[off + 26 : off + 30])
        end = off + 30 + nlen + xlen + entry.compress_size
        if entry.flags & 0x08:
            end += 16 if data[end : end + 4] == _DESC else 12
        return data[off:end]


class Deflated(NamedTuple):
    crc: int
    size: int
    body: bytes  # raw deflate


def deflate(content: bytes) -> Deflated:
    comp = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return Deflated(zlib.crc32(content), len(content), comp.compress(content) + comp.flush())


def deflate_pieces(pieces: Iterable[bytes], chunk: int = 1 << 20) -> Deflated:
    """`pieces` joined and deflated, a chunk at a time: the whole is never held. Each chunk is
    compressed in a worker thread (one, so in order) while the caller makes the next."""
    comp = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    crc, size, out = 0, 0, []

    def feed(data: bytes) -> None:
        nonlocal crc
        crc = zlib.crc32(data, crc)
        out.append(comp.compress(data))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="taizhang-deflate") as pool:
        pending: list[Future[None]] = []
        batch: list[bytes] = []
        held = 0
        for piece in pieces:
            batch.append(piece)
            held += len(piece)
            if held >= chunk:
                data = b"".join(batch)
                size += len(data)
                pending.append(pool.submit(feed, data))
                batch, held = [], 0
                while len(pending) > 2:  # a few chunks ahead at most
                    pending.pop(0).result()
        data = b"".join(batch)
        size += len(data)
        pending.append(pool.submit(feed, data))
        for job in pending:
            job.result()
    out.append(comp.flush())
    return Deflated(crc, size, b"".join(out))


class Deflater:
    """Parts deflated in worker threads, each job kept with the bytes it was started on: a part
    rewritten since is deflated again when asked for (the job is matched by identity)."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: dict[str, tuple[bytes, Future[Deflated]]] = {}

    def start(self, name: str, content: bytes) -> None:
        job = self._jobs.get(name)
        if job is not None and job[0] is content:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1),
                                            thread_name_prefix="taizhang-deflate")
        self._jobs[name] = (content, self._pool.submit(deflate, content))

    def get(self, name: str, content: bytes | Deflated) -> Deflated:
        if isinstance(content, Deflated):
            return content
        job = self._jobs.pop(name, None)
        if job is not None and job[0] is content:
            return job[1].result()
        return deflate(content)

    def close(self) -> None:
        """Drop every job (and the bytes it holds); jobs not started are cancelled, a running one
        finishes in its thread without waiting here (its result is dropped with it)."""
        self._jobs.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


Content = bytes | Deflated  # a part's bytes, or them deflated already


def build_zip(
    old: Package | None, replaced: Mapping[str, Content], added: Mapping[str, Content], removed: set[str],
    deflater: Deflater | None = None,
) -> bytes:
    """A new zip: old entries in order (verbatim unless replaced or removed), then added ones.
    Every new content is deflated in `deflater`'s threads, all started first so the big parts
    are compressed side by side (parts the deflater already has are not deflated again)."""
    own = deflater is None
    deflater = Deflater() if deflater is None else deflater
    try:
        for name, content in (*replaced.items(), *added.items()):
            if not isinstance(content, Deflated) and len(content) >= _THREADED:
                deflater.start(name, content)
        return _zip(old, replaced, added, removed, deflater)
    finally:
        if own:
            deflater.close()


def _zip(old: Package | None, replaced: Mapping[str, Content], added: Mapping[str, Content], removed: set[str],
         deflater: Deflater) -> bytes:
    out = io.BytesIO()
    central: list[bytes] = []
    if old is not None:
        for e in old.entries:
            if e.name in removed:
                continue
            offset = out.tell()
            if e.name in replaced:
                local, cen = _compressed(e.name, deflater.get(e.name, replaced[e.name]), (e.time, e.date), offset)
                out.write(local)
                central.append(cen)
            else:
                out.write(old.raw_block(e))
                central.append(e.central[:42] + struct.pack("<I", offset) + e.central[46:])
    for name, content in added.items():
        local, cen = _compressed(name, deflater.get(name, content), _NEW_TIME, out.tell())
        out.write(local)
        central.append(cen)
    cd_start = out.tell()
    for rec in central:
        out.write(rec)
    comment = old.comment if old is not None else b""
    out.write(
        _EOCD
        + struct.pack(
            "<HHHHIIH", 0, 0, len(central), len(central), out.tell() - cd_start, cd_start, len(comment)
        )
        + comment
    )
    return out.getvalue()


def _compressed(name: str, packed: Deflated, when: tuple[int, int], offset: int) -> tuple[bytes, bytes]:
    crc, size, body = packed
    raw_name = name.encode("utf-8")
    flags = 0 if raw_name.isascii() else 0x800
    time, date = when
    common = struct.pack("<HHHHIII", flags, 8, time, date, crc, len(body), size)
    local = _LOC + struct.pack("<H", 20) + common + struct.pack("<HH", len(raw_name), 0) + raw_name
    cen = (
        _CEN
        + struct.pack("<HH", 20, 20)
        + common
        + struct.pack("<HHHHHII", len(raw_name), 0, 0, 0, 0, 0, offset)
        + raw_name
    )
    return local + body, cen
