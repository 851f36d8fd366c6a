"""One iteration column as bytes that compress well, and back, bit for bit.

A column whose numbers are all float32 values (a float32 run's x, y, loss, grad and optimizer
state) is stored as 4-byte floats, any other column as 8-byte ones: the narrowing is checked,
never assumed. The bit patterns are stored as their differences from step to step (or as the
residuals of a prediction, predict.py), byte-shuffled: the sign, exponent and leading mantissa
bytes that barely change between steps form long runs that zlib compresses to almost nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import predict

# Kinds of column: floats, whole numbers, and prediction residuals (predict.py), 4 or 8 bytes.
WIDTH = {"f4": np.uint32, "f8": np.uint64, "i8": np.uint64, "p4": np.uint32, "p8": np.uint64}


class NotFloats(Exception):
    """A column holds something other than floats: only JSON keeps it exactly."""


def all_of(values: Sequence[Any], kind: type) -> bool:
    """Whether every value is exactly of `kind` (a bool is no int here, an int no float)."""
    return set(map(type, values)) <= {kind}


def counter_start(values: Sequence[Any]) -> float | None:
    """s when the column is the floats s, s + 1, s + 2, ... (Adam's step), else None."""
    if not values or not all_of(values, float):
        return None
    wide = np.array(values, dtype=np.float64)
    counted = wide[0] + np.arange(len(wide), dtype=np.float64)
    return float(wide[0]) if np.array_equal(counted.view(np.uint64), wide.view(np.uint64)) else None


def shuffled(values: Sequence[Any], *, integers: bool) -> tuple[str, bytes]:
    """The column's narrowest exact kind, and its bit patterns' differences, byte-shuffled."""
    array: np.ndarray[Any, Any]
    if integers:
        if not all_of(values, int):
            raise NotFloats
        kind, array = "i8", np.array(values, dtype=np.int64)
    else:
        if not all_of(values, float):
            raise NotFloats
        wide = np.array(values, dtype=np.float64)
        with np.errstate(over="ignore"):  # past float32's range: inf, then refused below
            narrow = wide.astype(np.float32)
        # Exact when widening back gives the same 8 bytes (a NaN's payload included).
        exact = np.array_equal(narrow.astype(np.float64).view(np.uint64), wide.view(np.uint64))
        kind, array = ("f4", narrow) if exact else ("f8", wide)
    words = array.view(WIDTH[kind])
    delta = words.copy()
    delta[1:] -= words[:-1]  # wraps around: cumsum undoes it exactly
    return kind, shuffle(delta)


def exact_in(values: Sequence[Any], settings: Mapping[str, Any]) -> bool:
    """Whether the floats `values` are all numbers of the run's precision (a NaN's payload too)."""
    dtype = predict.DTYPES.get(settings.get("precision", ""))
    if dtype is None or not all_of(values, float):
        return False
    wide = np.array(values, dtype=np.float64)
    with np.errstate(over="ignore"):
        back = wide.astype(dtype).astype(np.float64)
    return np.array_equal(back.view(np.uint64), wide.view(np.uint64))


def same_bits(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether two columns of floats hold the same 8 bytes, value for value."""
    first, second = (np.array(c, dtype=np.float64).view(np.uint64) for c in (a, b))
    return np.array_equal(first, second)


def shuffle(words: np.ndarray[Any, Any]) -> bytes:
    """Byte i of every value together: the high bytes, equal from step to step, form long runs."""
    return words.view(np.uint8).reshape(-1, words.itemsize).T.tobytes()


def unshuffled_words(data: bytes, kind: str) -> np.ndarray[Any, Any]:
    """The words `shuffle` turned into `data`."""
    width = np.dtype(WIDTH[kind])
    raw = np.frombuffer(data, dtype=np.uint8).reshape(width.itemsize, -1).T.copy()
    return raw.view(width).ravel()


def unshuffle(data: bytes, kind: str) -> list[Any]:
    """The column `shuffled` stored as `data`: ints for "i8", floats otherwise."""
    width = np.dtype(WIDTH[kind])
    words = unshuffled_words(data, kind)
    np.cumsum(words, dtype=width, out=words)
    if kind == "i8":
        integers: list[Any] = words.view(np.int64).tolist()
        return integers
    values = words.view(np.float32 if kind == "f4" else np.float64)
    result: list[Any] = values.astype(np.float64).tolist()
    return result
