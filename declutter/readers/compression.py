"""Compressed input: gzip, bzip2, xz and Zstandard files, told by the last suffix of their name
(``crawl.jsonl.zst``, ``page.html.gz``). The corpora users clean come in all four."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from pathlib import Path
from typing import BinaryIO

import zstandard

#: what reading a damaged or cut compressed file raises, by decompressor
DECOMPRESSION_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, zstandard.ZstdError)
_OPENERS = {  # compression suffix → how a file of it is opened for reading bytes
    ".gz": lambda path: gzip.open(path, "rb"),
    ".bz2": lambda path: bz2.open(path, "rb"),
    ".xz": lambda path: lzma.open(path, "rb"),
    ".zst": lambda path: io.BufferedReader(_ZstdReader(path.open("rb"))),  # defined below
}
COMPRESSION_SUFFIXES = tuple(_OPENERS)


def without_compression(name: str) -> str:
    """``name`` without its compression suffix: ``crawl.jsonl.zst`` → ``crawl.jsonl``."""
    lowered = name.lower()
    return next((name[: -len(s)] for s in COMPRESSION_SUFFIXES if lowered.endswith(s)), name)


def open_decompressed(path: Path) -> BinaryIO:
    """The file opened for reading bytes, decompressed as it is read when its name says so."""
    name = path.name.lower()
    opener = next((open_ for suffix, open_ in _OPENERS.items() if name.endswith(suffix)), None)
    return opener(path) if opener else path.open("rb")


#: compressed bytes decompressed at a time: a Zstandard block of 3 bytes can stand for 128 KB, so a
#: piece of 1 KB gives at most ~40 MB (a 64 KB piece of a "zstd bomb" gave gigabytes at once)
_ZSTD_PIECE = 1024


class _ZstdReader(io.RawIOBase):
    """Zstandard frames one after another, decompressed; a stream cut inside a frame raises
    EOFError, as gzip's reader does (zstandard's own stream reader ends there without a word)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.frame = zstandard.ZstdDecompressor().decompressobj()
        self.started = False  # whether the current frame has had any input
        self.pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            if self.frame.eof:  # the frame ended: what follows it starts the next one
                rest = self.frame.unused_data
                self.frame, self.started = zstandard.ZstdDecompressor().decompressobj(), False
                if rest:
                    self.pending, self.started = memoryview(self.frame.decompress(rest)), True
                    continue
            chunk = self.raw.read(_ZSTD_PIECE)
            if not chunk:
                if self.started and not self.frame.eof:
                    raise EOFError("the Zstandard stream is cut short inside a frame")
                return 0
            self.pending, self.started = memoryview(self.frame.decompress(chunk)), True
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]  # a memoryview: no copy of the rest
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()

