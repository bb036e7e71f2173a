"""The wire format: values survive a round trip exactly; anything else is refused."""

from __future__ import annotations

import io
import json
import math
import struct

import numpy as np
import pytest

from workers import protocol


def round_trip(value, make_ref=None, max_bytes=1 << 26):
    message = protocol.encode_message({"status": "ok"}, value, make_ref)
    reader = protocol.MessageReader(max_bytes)
    for start in range(0, len(message), 7):  # arrives in small pieces
        reader.feed(message[start:start + 7])
    header, arrays = reader.next_message()
    assert reader.next_message() is None
    return protocol.decode_value(header["value"], arrays)


@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 2**80, 1.5, -0.0, float("inf"), float("-inf"), "", "héllo\n\x00",
    [], [1, [2.5, None]], (), (1, "a", (2,)), {}, {"W1": 1, "$t": "not a tag", "b": [None]},
])
def test_python_values_round_trip(value):
    result = round_trip(value)
    assert result == value and type(result) is type(value)
    if isinstance(value, float) and value == 0:
        assert math.copysign(1, result) == -1


def test_nan_round_trips():
    assert math.isnan(round_trip(float("nan")))


@pytest.mark.parametrize("array", [
    np.array([-0.0, 0.0, np.nan, np.inf, -np.inf, 1e-308]),
    np.arange(12, dtype=np.float32).reshape(3, 4),
    np.array(3.5), np.zeros((0,)), np.zeros((0, 3), dtype=np.int16),
    np.array([True, False]), np.array([1 + 2j]), np.arange(6, dtype=np.uint8).reshape(2, 3),
    np.ones(4, dtype=np.float16), np.asfortranarray(np.arange(6.0).reshape(2, 3)),
])
def test_arrays_round_trip_bit_for_bit(array):
    result = round_trip(array)
    assert isinstance(result, np.ndarray)
    assert result.dtype == array.dtype and result.shape == array.shape
    assert result.tobytes() == array.tobytes()
    assert result.flags.writeable


def test_non_native_byte_order_arrives_native():
    array = np.arange(3, dtype=">f8")
    result = round_trip(array)
    assert result.dtype.isnative and np.array_equal(result, array)


@pytest.mark.parametrize("scalar", [np.float64(-0.0), np.float32(2.5), np.int64(-3), np.bool_(True), np.uint8(7)])
def test_numpy_scalars_stay_scalars(scalar):
    result = round_trip(scalar)
    assert isinstance(result, np.generic) and result.dtype == scalar.dtype
    assert result.tobytes() == scalar.tobytes()


def test_nested_containers_of_arrays():
    params = [(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))]
    result = round_trip({"params": params, "loss": 0.5})
    assert isinstance(result["params"][0], tuple)
    assert all(np.array_equal(a, b) for pair_a, pair_b in zip(result["params"], params)
               for a, b in zip(pair_a, pair_b))


@pytest.mark.parametrize("value, error", [
    ({1: 2}, "non-string key"),
    (np.array(["a"]), "dtype"),
    (np.array([object()], dtype=object), "dtype"),
    ({"s": {1, 2}}, "set"),
])
def test_values_the_wire_cannot_carry_are_refused(value, error):
    with pytest.raises(protocol.WireError, match=error):
        protocol.encode_message({}, value)


def test_unknown_objects_become_handles_when_allowed():
    class Net:
        pass

    refs = []

    def make_ref(obj):
        refs.append(obj)
        return protocol.Ref(len(refs), type(obj).__name__)

    result = round_trip([Net(), 1], make_ref)
    assert isinstance(result[0], protocol.Ref) and result[0].cls == "Net" and result[1] == 1


def test_deep_nesting_is_refused():
    value = []
    for _ in range(protocol.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(protocol.WireError, match="deeper"):
        protocol.encode_message({}, value)


def test_a_message_over_the_cap_is_refused_before_it_is_buffered():
    message = protocol.encode_message({}, np.zeros(100_000))
    reader = protocol.MessageReader(max_bytes=10_000)
    with pytest.raises(protocol.MessageTooLarge):
        reader.feed(message[:5000])
        reader.next_message()
        reader.feed(message[5000:20_000])
        reader.next_message()


def _raw_message(header: bytes, blobs=()):
    parts = [protocol.HEADER.pack(protocol.MAGIC, len(header), len(blobs), 0), header]
    for blob in blobs:
        parts += [struct.pack("!Q", len(blob)), blob]
    return b"".join(parts)


def _npy(array, allow_pickle=False):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


@pytest.mark.parametrize("message, error", [
    (b"EVIL" + b"\0" * 12, "magic"),
    (_raw_message(b"[1, 2]"), "not a JSON object"),
    (_raw_message(b'{"value": NaN}'), "malformed JSON"),
    (_raw_message(b"{not json"), "malformed JSON"),
    (_raw_message(b"{}", [_npy(np.array([object()], dtype=object), allow_pickle=True)]), "not allowed"),
    (_raw_message(b"{}", [_npy(np.arange(4.0))[:-8]]), "length"),
    (_raw_message(b"{}", [b"\x93NUMPY garbage"]), "malformed array"),
])
def test_malformed_messages_are_wire_errors(message, error):
    reader = protocol.MessageReader(1 << 20)
    reader.feed(message)
    with pytest.raises(protocol.WireError, match=error):
        reader.next_message()


@pytest.mark.parametrize("tagged", [
    {"$t": "array", "i": 5}, {"$t": "array", "i": -1}, {"$t": "pickle", "v": "x"}, {"W": 1},
    {"$t": "float", "v": "1e999"}, {"$t": "ref", "id": "1"},
])
def test_unknown_or_out_of_range_tags_are_wire_errors(tagged):
    with pytest.raises(protocol.WireError):
        protocol.decode_value(tagged, [])


def test_header_is_plain_json():
    message = protocol.encode_message({"op": "call", "name": "relu"}, (1.0, float("nan")))
    _, length, count, _ = protocol.HEADER.unpack_from(message)
    header = json.loads(message[protocol.HEADER.size:protocol.HEADER.size + length])
    assert header["op"] == "call" and count == 0
    assert header["value"] == {"$t": "tuple", "v": [1.0, {"$t": "float", "v": "nan"}]}
