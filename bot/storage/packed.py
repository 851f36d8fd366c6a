"""A run as compact bytes: each iteration column packed in the run's own precision, compressed.

`pack(run)` and `unpack(blob)` round-trip every float bit for bit (nan payloads, ±inf, -0.0).
The settings and outcome are JSON; each iteration column is its bit patterns' step-to-step
differences (column_codec.py) or, for x, the loss and the optimizer's state, the residuals of
their prediction from the step's other numbers (predict.py), whichever compresses smaller; zlib
with a preset dictionary of the words every header repeats, or LZMA for a long run when smaller
(squeeze.py). A run the columns cannot hold exactly (a value that is not a float) is kept as
compressed JSON instead, so `pack` never loses a bit. `unpack` also reads PKD1, the format
before predictions.
"""

from __future__ import annotations

import dataclasses
import json
import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from solver import Iteration, Run

from . import predict
from .column_codec import (
    NotFloats,
    counter_start,
    exact_in,
    same_bits,
    shuffle,
    shuffled,
    unshuffle,
    unshuffled_words,
)
from .squeeze import deflate, inflate, squeezed, unrange

PREDICTED = b"PKD2"  # as COLUMNS, and a column may hold its prediction residuals (predict.py)
PREDICTED_LZMA = b"PKL2"  # PKD2's bytes compressed by LZMA instead of zlib (squeeze.py)
COLUMNS = b"PKD1"  # columns: settings as JSON, then the packed iteration columns (read only)
WHOLE_JSON = b"PKJ1"  # the fallback: the whole run as JSON
_HEAD = struct.Struct("<I")
_FIELDS = ("x", "y", "loss", "grad")
_RESIDUAL = {"float32": "p4", "float64": "p8"}
# zlib's preset dictionary: the words every run's settings repeat, so a 100-step run does not
# pay ~200 bytes to spell them. Part of the format: never change it (add a new magic instead).
_WORDS = (
    b'"shape""state.exp_avg_sq","f8",800],["state.momentum_buffer","f4",400],["state.step",'
    b'"count",0,1.0]]}["exp_avg","exp_avg_sq","step"]["momentum_buffer"]"columns":[["x","f4",'
    b'400],["y","f4",400],["loss","f4",400],["grad","f4",400],["state.exp_avg","f4",400],'
    b'"hint":{"key":"more_steps","lr_bound":null,"lr_above_bound":false,"bound_kind":"sgd",'
    b'"at_x":null,"f_at":null,"step":null,"spacing":null,"cause":null,"done":null,"distance":'
    b'null},"seconds":0.0},"n":100,"shapes":[[]],"outcome":"converged","still moving",'
    b'"diverged","root":1.4142135623730951,"final_x":1.4142135381698608,"x0":1.0,"lr":0.01,'
    b'"steps":100,"optimizer":"adam","momentum","precision":"float64","float32"},'
    b'{"run":{"settings":{"equation":"x**2 - 2",'
)
# PKD2's preset dictionary, the commonest words last (nearest). Part of that format as _WORDS is
# of PKD1's: never change it either.
_WORDS2 = (
    b'"lr_above_bound":false,"bound_kind":"sgd","momentum","converged","diverged","out of domain",'
    b'"stuck","adam_diverged","double_root","oscillating","out_of_domain","no_real_root_anywhere",'
    b'"no_root_tends","no_real_root_polynomial","cause":"overflow","done":true,'
    b'["state.exp_avg","p4",400],["state.exp_avg_sq","p4",400],["state.step","count",0,1.0]]}'
    b'"n":100,"shapes":[[]],"columns":[["x","p4",400],["y","f4",400],["loss","p4",400],'
    b'["grad","f4",400],["state.momentum_buffer","p4",400]]}'
    b'"n":100,"shapes":[["exp_avg","exp_avg_sq","step"]],[["momentum_buffer"]],"columns":'
    b'[["x","p8",800],["y","f8",800],["loss","p8",800],["grad","f8",800],["state.exp_avg","p8",'
    b'800],["state.exp_avg_sq","p8",800],["state.momentum_buffer","p8",800]]}'
    b'{"run":{"settings":{"equation":"x**2 - 2","x0":1.0,"lr":0.01,"steps":100,"optimizer":'
    b'"adam","precision":"float32","float64"},"final_x":1.41421,"outcome":"still moving","root":'
    b'1.414213562373095,"hint":{"key":"more_steps","adam_hovering","lr_bound":null,'
    b'"lr_above_bound":null,"bound_kind":null,"at_x":null,"f_at":null,"step":null,"spacing":null,'
    b'"cause":null,"done":null,"distance":null,"advice":null,"beyond":null},"seconds":0.0'
)


class UnpackError(ValueError):
    """Stored bytes that are not a run this code wrote."""


def pack(run: Run, *, predictions: bool = True) -> bytes:
    """`run` as compact bytes that `unpack` turns back into the same run, bit for bit.

    `predictions=False` stores every column as plain deltas (to measure what predicting saves).
    """
    try:
        body = _columns(run, predictions)
    except NotFloats:
        text = json.dumps(run.to_dict(), separators=(",", ":"))
        return WHOLE_JSON + deflate(text.encode(), _WORDS)
    by_lzma, squeezed_body = squeezed(body, _WORDS2)
    return (PREDICTED_LZMA if by_lzma else PREDICTED) + squeezed_body


def unpack(blob: bytes) -> Run:
    """The run `pack` stored in `blob`; UnpackError when `blob` is not one."""
    magic = bytes(blob[:4])
    if magic == PREDICTED_LZMA:
        magic, data = PREDICTED, unrange(bytes(blob[4:]))
    else:
        data = inflate(bytes(blob[4:]), _WORDS2 if magic == PREDICTED else _WORDS)
    if magic == WHOLE_JSON:
        return Run.from_dict(json.loads(data))
    if magic not in (COLUMNS, PREDICTED):
        raise UnpackError(f"unknown run format {magic!r}")
    (size,) = _HEAD.unpack_from(data)
    head = json.loads(data[_HEAD.size : _HEAD.size + size])
    offset = _HEAD.size + size
    columns: dict[str, list[Any]] = {}
    residual: dict[str, np.ndarray[Any, Any]] = {}
    for name, kind, length, *start in head["columns"]:
        if kind == "count":
            columns[name] = (start[0] + np.arange(head["n"], dtype=np.float64)).tolist()
        elif kind in ("p4", "p8"):
            residual[name] = unshuffled_words(data[offset : offset + length], kind)
        else:
            columns[name] = unshuffle(data[offset : offset + length], kind)
        offset += length
    settings = head["run"]["settings"]
    for name in (name for name in predict.ORDER if name in residual):
        columns[name] = predict.restore(name, residual[name], columns, settings)
    return _rebuild(head, columns)


def from_json(text: str) -> Run:
    """A run as the JSON rows of schema v1 held it."""
    return Run.from_dict(json.loads(text))


def _columns(run: Run, predictions: bool) -> bytes:
    its = run.iterations
    shapes: list[tuple[str, ...]] = []
    shape_of: list[int] = []
    for it in its:
        keys = tuple(it.state)
        if keys not in shapes:
            shapes.append(keys)
        shape_of.append(shapes.index(keys))
    named: list[tuple[str, Sequence[Any]]] = [(f, [getattr(it, f) for it in its]) for f in _FIELDS]
    for key in dict.fromkeys(k for keys in shapes for k in keys):
        named.append((f"state.{key}", [it.state[key] for it in its if key in it.state]))
    header = dataclasses.replace(run, iterations=[]).to_dict()
    del header["iterations"]
    head: dict[str, Any] = {"run": header, "n": len(its), "shapes": shapes, "columns": []}
    blobs: list[bytes] = []
    ks = [it.k for it in its]
    if ks != list(range(len(its))):
        named.insert(0, ("k", ks))
    if len(shapes) > 1:
        named.append(("shape", shape_of))
    settings = header["settings"]
    inputs = dict(named)
    for name, values in named:
        if (start := counter_start(values)) is not None:
            head["columns"].append((name, "count", 0, start))
            continue
        kind, packed = shuffled(values, integers=name in ("k", "shape"))
        if (
            predictions
            and exact_in(values, settings)
            and predict.predictable(name, settings, inputs)
        ):
            words = predict.residuals(name, values, inputs, settings)
            guessed = shuffle(words)
            smaller = len(zlib.compress(guessed)) < len(zlib.compress(packed))
            # Decoded as unpack will, to be sure: a residual that did not restore every bit
            # would lose the column, so it is never stored.
            if smaller and same_bits(predict.restore(name, words, inputs, settings), values):
                kind, packed = _RESIDUAL[settings["precision"]], guessed
        head["columns"].append((name, kind, len(packed)))
        blobs.append(packed)
    text = json.dumps(head, separators=(",", ":")).encode()
    return b"".join([_HEAD.pack(len(text)), text, *blobs])


def _rebuild(head: Mapping[str, Any], columns: Mapping[str, list[Any]]) -> Run:
    n = head["n"]
    shapes = [tuple(keys) for keys in head["shapes"]]
    shape_of = columns.get("shape", [0] * n)
    ks = columns.get("k", range(n))
    xs, ys, losses, grads = (columns[f] for f in _FIELDS)
    states: dict[str, Any] = {
        name[len("state.") :]: iter(values)
        for name, values in columns.items()
        if name.startswith("state.")
    }
    its: list[Iteration] = []
    for i in range(n):
        keys = shapes[shape_of[i]] if shapes else ()
        if keys:
            state = {key: next(states[key]) for key in keys}
            its.append(Iteration(ks[i], xs[i], ys[i], losses[i], grads[i], state))
        else:
            its.append(Iteration(ks[i], xs[i], ys[i], losses[i], grads[i]))
    run = Run.from_dict({**head["run"], "iterations": []})
    run.iterations = its
    return run
