"""Pausing the cyclic garbage collector around bulk work that makes no reference cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Turn the cyclic collector off for the block, and back on after it if it was on.

    Reading 20k rows into cases, or pulling the cases apart into a frame, allocates hundreds of
    thousands of small objects that all live on; each collector pass rescans them (a third of the
    read, half the frame) and frees nothing, since none of it makes a cycle. Reference counting
    still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
