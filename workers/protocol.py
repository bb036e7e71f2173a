"""The wire format between the trusted worker and the sandbox harness.

A message is a 16-byte header (magic, JSON length, array count), a JSON
document, then each array as a length-prefixed ``.npy`` blob, loaded with
``allow_pickle=False``. Everything read from the wire is capped in size before
it is read. Values are encoded as tagged JSON so that no plain JSON object is
ever ambiguous:

    None, bool, int, str, list   -> themselves
    float                        -> itself, or {"$t": "float", "v": "nan"|"inf"|"-inf"}
    tuple                        -> {"$t": "tuple", "v": [...]}
    dict (str keys)              -> {"$t": "dict", "v": {...}}
    numpy array / scalar         -> {"$t": "array" | "scalar", "i": index}
    anything else                -> {"$t": "ref", "id": n, "cls": "Name"} (a handle)

This module runs on both sides (it is copied into the sandbox next to the
harness), so it imports nothing but the standard library and NumPy.
"""

from __future__ import annotations

import io
import json
import math
import struct

import numpy as np

MAGIC = b"RGW1"
HEADER = struct.Struct("!4sIII")  # magic, json length, array count, reserved
ARRAY_LENGTH = struct.Struct("!Q")
MAX_DEPTH = 64
MAX_ARRAYS = 100_000
ARRAY_KINDS = "biufc"  # bool, signed, unsigned, float, complex


class WireError(Exception):
    """A message is malformed, too large, or holds a value the wire cannot carry."""


class Ref:
    """A handle to an object that stays on the other side of the wire."""

    __slots__ = ("id", "cls")

    def __init__(self, id: int, cls: str = "object"):
        self.id = id
        self.cls = cls

    def __repr__(self) -> str:
        return f"Ref({self.id}, {self.cls!r})"


def encode_value(value, arrays: list, make_ref=None, depth: int = 0):
    """Return the tagged-JSON form of ``value``, appending arrays to ``arrays``.

    ``make_ref(obj) -> Ref`` turns non-data objects into handles; without it
    such objects raise :class:`WireError`.
    """
    if depth > MAX_DEPTH:
        raise WireError(f"value nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, (np.ndarray, np.generic)):
        return _encode_numpy(value, arrays, make_ref)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int) and type(value) is not bool:
        return int(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return float(value)
        return {"$t": "float", "v": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, Ref):
        return {"$t": "ref", "id": value.id, "cls": value.cls}
    if type(value) is list:
        return [encode_value(v, arrays, make_ref, depth + 1) for v in value]
    if type(value) is tuple:
        return {"$t": "tuple", "v": [encode_value(v, arrays, make_ref, depth + 1) for v in value]}
    if type(value) is dict:
        for key in value:
            if not isinstance(key, str):
                raise WireError(f"a dict with a non-string key ({type(key).__name__} {key!r:.40})")
        return {"$t": "dict", "v": {k: encode_value(v, arrays, make_ref, depth + 1) for k, v in value.items()}}
    if make_ref is not None:
        return encode_value(make_ref(value), arrays)
    raise WireError(f"a value of type {type(value).__name__}")


def _encode_numpy(value, arrays: list, make_ref):
    array = np.asarray(value)
    if array.dtype.kind not in ARRAY_KINDS:
        if make_ref is not None and isinstance(value, np.ndarray):
            return encode_value(make_ref(value), arrays)
        raise WireError(f"a NumPy array of dtype {array.dtype} (only numeric and bool arrays can be sent)")
    if len(arrays) >= MAX_ARRAYS:
        raise WireError(f"more than {MAX_ARRAYS} arrays in one message")
    arrays.append(array)
    return {"$t": "scalar" if isinstance(value, np.generic) else "array", "i": len(arrays) - 1}


def decode_value(data, arrays: list, resolve_ref=None, depth: int = 0):
    """Rebuild a value from its tagged-JSON form (the inverse of :func:`encode_value`)."""
    if depth > MAX_DEPTH:
        raise WireError(f"value nested deeper than {MAX_DEPTH} levels")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode_value(v, arrays, resolve_ref, depth + 1) for v in data]
    if not isinstance(data, dict):
        raise WireError(f"unexpected JSON value of type {type(data).__name__}")
    tag = data.get("$t")
    if tag == "float" and data.get("v") in ("nan", "inf", "-inf"):
        return float(data["v"])
    if tag == "tuple" and isinstance(data.get("v"), list):
        return tuple(decode_value(v, arrays, resolve_ref, depth + 1) for v in data["v"])
    if tag == "dict" and isinstance(data.get("v"), dict):
        return {k: decode_value(v, arrays, resolve_ref, depth + 1) for k, v in data["v"].items()}
    if tag in ("array", "scalar"):
        index = data.get("i")
        if type(index) is not int or not 0 <= index < len(arrays):
            raise WireError(f"array index {index!r} out of range")
        return arrays[index][()] if tag == "scalar" else arrays[index]
    if tag == "ref" and type(data.get("id")) is int and isinstance(data.get("cls", ""), str):
        ref = Ref(data["id"], data.get("cls") or "object")
        return resolve_ref(ref) if resolve_ref is not None else ref
    raise WireError(f"unknown tagged value {str(data)[:80]}")


def pack_message(header: dict, arrays: list) -> bytes:
    """Serialize a JSON-able header and its arrays into one message."""
    body = json.dumps(header, allow_nan=False, separators=(",", ":")).encode()
    parts = [HEADER.pack(MAGIC, len(body), len(arrays), 0), body]
    for array in arrays:
        header_bytes, data = _npy_parts(np.asarray(array))
        parts += [ARRAY_LENGTH.pack(len(header_bytes) + data.nbytes), header_bytes, data]
    return b"".join(parts)


def _npy_parts(array: np.ndarray):
    """The ``.npy`` header and a zero-copy view of the data (what ``np.save`` writes)."""
    if not (array.flags.c_contiguous or array.flags.f_contiguous):
        array = np.ascontiguousarray(array)
    header = io.BytesIO()
    fields = np.lib.format.header_data_from_array_1_0(array)
    try:
        np.lib.format.write_array_header_1_0(header, fields)
    except ValueError:  # a header too long for format 1.0
        np.lib.format.write_array_header_2_0(header, fields)
    return header.getvalue(), memoryview(array.ravel(order="K").view(np.uint8))


def encode_message(header: dict, value, make_ref=None) -> bytes:
    """Pack ``header`` with ``value`` encoded under the key ``value``."""
    arrays: list = []
    header = dict(header, value=encode_value(value, arrays, make_ref))
    return pack_message(header, arrays)


class MessageReader:
    """Incrementally parse messages from a byte stream, enforcing a size cap.

    Feed bytes with :meth:`feed`; :meth:`next_message` returns
    ``(header, arrays)`` once one is complete, else None. A message larger than
    ``max_bytes`` raises :class:`WireError` before its body is buffered.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._buffer = bytearray()
        self.message_bytes = 0

    def feed(self, data: bytes) -> None:
        self._buffer += data
        self._check_cap()

    def _check_cap(self) -> None:
        if len(self._buffer) > self.max_bytes + HEADER.size + ARRAY_LENGTH.size:
            raise _TooLarge(self.max_bytes)

    def next_message(self):
        """Return the next complete ``(header, arrays)`` or None."""
        buffer = self._buffer
        if len(buffer) < HEADER.size:
            return None
        magic, json_length, count, _ = HEADER.unpack_from(buffer)
        if magic != MAGIC:
            raise WireError(f"bad message magic {bytes(magic)!r}")
        if count > MAX_ARRAYS:
            raise WireError(f"{count} arrays in one message (at most {MAX_ARRAYS})")
        total = HEADER.size + json_length
        if total > self.max_bytes:
            raise _TooLarge(self.max_bytes)
        offsets = []
        for _ in range(count):
            if len(buffer) < total + ARRAY_LENGTH.size:
                return None
            (length,) = ARRAY_LENGTH.unpack_from(buffer, total)
            start = total + ARRAY_LENGTH.size
            total = start + length
            if total > self.max_bytes:
                raise _TooLarge(self.max_bytes)
            offsets.append((start, total))
        if len(buffer) < total:
            return None
        header = _load_json(bytes(buffer[HEADER.size : HEADER.size + json_length]))
        with memoryview(buffer) as view:
            arrays = []
            for start, end in offsets:
                with view[start:end] as blob:
                    arrays.append(load_array(blob))
        del buffer[:total]
        self.message_bytes = total
        return header, arrays


class _TooLarge(WireError):
    def __init__(self, max_bytes: int):
        super().__init__(f"message larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


MessageTooLarge = _TooLarge


def _load_json(raw: bytes):
    try:
        header = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise WireError(f"malformed JSON header: {str(error)[:100]}") from None
    if not isinstance(header, dict):
        raise WireError("message header is not a JSON object")
    return header


def _reject_constant(name: str):
    raise ValueError(f"non-standard JSON constant {name}")


def load_array(blob) -> np.ndarray:
    """Load one ``.npy`` blob: numeric or bool dtype only, never pickles; returns a copy."""
    blob = memoryview(blob)
    stream = io.BytesIO(bytes(blob[: min(len(blob), 1 << 17)]))  # the header, at most 128 KiB
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        else:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
    except Exception as error:  # numpy raises many kinds for malformed input
        raise WireError(f"malformed array: {str(error)[:100]}") from None
    if dtype.kind not in ARRAY_KINDS or dtype.hasobject or dtype.names is not None or dtype.subdtype:
        raise WireError(f"array of dtype {dtype} is not allowed on the wire")
    count = math.prod(shape)
    data = blob[stream.tell() :]
    if len(data) != dtype.itemsize * count:
        raise WireError("array data length does not match its header")
    array = np.frombuffer(data, dtype=dtype, count=count).copy()
    data.release()
    array = array.reshape(shape, order="F" if fortran else "C")
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    return array
