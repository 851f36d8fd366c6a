"""The last step of packing a run: its bytes compressed by zlib with a preset dictionary, or,
for a long run, by LZMA when that is smaller.

zlib's preset dictionary spells the header's words, which a short run would otherwise pay for;
LZMA's range coder packs the long columns' skewed bytes tighter (a 10,000-step float64 Adam
run: 12.3 KB with zlib, 10.2 KB with LZMA) but has no such dictionary and costs more time, so
it is only tried once zlib's result passes LZMA_FROM bytes.
"""

from __future__ import annotations

import lzma
import zlib

LZMA_FROM = 4096
_LEVEL = 6  # zlib's default; 9 saves under 1 % here at twice the time
# Raw LZMA2 (no container: 4 bytes of magic name the format instead). The dictionary covers the
# largest run's bytes; part of the format: the decoder needs the same filter.
_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": 6, "dict_size": 1 << 21}]


def squeezed(data: bytes, words: bytes) -> tuple[bool, bytes]:
    """(whether LZMA was smaller, `data` compressed by the smaller of zlib and LZMA)."""
    deflated = deflate(data, words)
    if len(deflated) < LZMA_FROM:
        return False, deflated
    ranged = lzma.compress(data, format=lzma.FORMAT_RAW, filters=_FILTERS)
    return (True, ranged) if len(ranged) < len(deflated) else (False, deflated)


def deflate(data: bytes, words: bytes) -> bytes:
    """`data` compressed by zlib with the preset dictionary `words`."""
    compressor = zlib.compressobj(_LEVEL, zdict=words)
    return compressor.compress(data) + compressor.flush()


def inflate(data: bytes, words: bytes) -> bytes:
    """What `deflate` compressed with `words`."""
    decompressor = zlib.decompressobj(zdict=words)
    return decompressor.decompress(data) + decompressor.flush()


def unrange(data: bytes) -> bytes:
    """What `squeezed` compressed with LZMA."""
    return lzma.decompress(data, format=lzma.FORMAT_RAW, filters=_FILTERS)
