"""Regenerates tests/fixtures/python/bub-values.json: what CPython 3.12 says about the values bub-extism sends and reads.

Run from the repository root:  PYENV_VERSION=3.12.1 python3 scripts/python-vectors.py
The unit tests (tests/unit/bub-python-values.test.ts) compare the playground's Python model against the
committed output, so they need no Python. The nesting harness below reproduces the call shape of
bub-extism's bridge (asyncio.to_thread -> call -> encode args -> json.dumps / json.loads) because CPython
3.12 counts frames and C calls: the limits depend on what is on the stack, not only on the data.
"""

import asyncio
import json
import random
import struct
import sys
from collections.abc import Mapping, Sequence

OUT = "tests/fixtures/python/bub-values.json"

# json.loads texts for each class of the issue; each is re-encoded as Bub would send it, and printed with str().
LOADS = [
    # object key order: Python keeps the order the plugin wrote; a duplicate keeps its first place, last value
    '{"b": 1, "2": 2}',
    '{"10": 1, "9": 2, "a": 3, "1": 4}',
    '{"b": 1, "2": 2, "b": 3}',
    '{"x": {"z": 1, "0": [{"k": 1, "4294967294": 2, "4294967295": 3}]}}',
    '{"__proto__": 1, "0": 2}',
    # integers beyond 2^53
    "9007199254740993",
    "-9007199254740993",
    "123456789012345678901234567890",
    "[9007199254740993, 9007199254740992.0, 18446744073709551616]",
    "1" * 4300,
    "-" + "1" * 4300,
    "1" * 4301,
    # whole-number floats and friends
    "1.0",
    "1e15",
    "-0.0",
    "-0",
    "1e16",
    "1e-5",
    "0.1",
    "100.0",
    "1E2",
    "2.5",
    "123456789.0",
    "9007199254740993.0",
    "1e22",
    "1.5e300",
    "1e400",
    "-1e400",
    "1e-400",
    "-1e-400",
    "0.0001",
    "0.00001",
    "[1.0, 1, -0.0, 0, 1e15, 1000000000000000]",
    # NaN and infinities
    "NaN",
    "Infinity",
    "-Infinity",
    '{"n": NaN, "i": [Infinity, -Infinity]}',
    # str()/repr() inside containers
    '["it\'s", "a\\"b", "\\u0007", "\\u00e9", 1.0, null, true, {"k": -0.0}]',
]

# bub-extism's error message for an {"error": ...} answer: str(error["message"]) for a dict, else str(error).
ERRORS = [
    '{"error": 1.0}',
    '{"error": {"message": 1.0}}',
    '{"error": -0.0}',
    '{"error": 1e16}',
    '{"error": 0.0}',
    '{"error": 9007199254740993}',
    '{"error": Infinity}',
    '{"error": {"message": NaN}}',
    '{"error": [1.0, -0.0, NaN, 9007199254740993, "x\'y"]}',
    '{"error": {"message": {"b": 1, "2": 2.5e-7}}}',
    '{"error": true}',
]

# Envelopes: run_model with a typed state (Bub drops _runtime_ keys, keeps the rest in order).
ENVELOPES = [
    ("run_model", '{"prompt": "hi", "session_id": "cli:local", "state": {"b": 1, "2": 2, "x": 1.0, "n": NaN}}'),
    ("run_model", '{"prompt": [1e15, -0.0], "session_id": "s", "state": {"_runtime_x": 1, "big": 9007199254740993, "inf": -Infinity}}'),
]

# Strings the UTF-8 encoder rejects, written as JSON escapes.
SURROGATES = [
    '"\\ud800"',
    '"x\\ud800y\\udfff"',
    '"ab\\udc00\\ud800c"',
    '"\\udfff\\udfff\\udfff z \\ud800"',
    '"\\ud83d\\ude00 \\ud800\\ud800"',
]

# json.dumps(indent=2) is how the page prints values.
PRETTY = ['{"b": 1, "2": [1.0, {}, []], "e": {}, "s": "\\u00e9"}', "[]", '{"a": [NaN]}']


# Characters for generated strings: quotes, escapes, controls and a few non-ASCII ones whose
# printability is settled in every Unicode version (unassigned code points would tie the test to one).
CHARS = ["a", "Z", "0", " ", "'", '"', "\\", "\n", "\t", "\x07", "\x7f", "\xa0", "\xad", "\xe9", "\u200b", "\u4e2d", "\U0001f600"]


def random_float(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]  # any double, NaN included
    if kind == 1:
        return float(rng.randint(-(10**6), 10**6))
    if kind == 2:
        return rng.choice([0.0, -0.0, float("nan"), float("inf"), float("-inf"), 1e15, 1e16, 1e-4, 1e-5, 2.0**53])
    return rng.random() * 10.0 ** rng.randint(-25, 25) * rng.choice([1, -1])


def random_value(rng, depth=0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.randint(-(2**70), 2**70) if rng.random() < 0.5 else rng.randint(-1000, 1000)
    if kind in (2, 3):
        return random_float(rng)
    if kind in (4, 5):
        return "".join(rng.choice(CHARS) for _ in range(rng.randrange(6)))
    if kind in (6, 7):
        keys = [rng.choice(["a", "b", "2", "10", "0", "x y", "\xe9"]) for _ in range(rng.randrange(5))]
        return {key: random_value(rng, depth + 1) for key in keys}
    return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]


def generated_cases(count):
    """Seeded random values: their json.dumps bytes, and str() of them, as Bub would print them."""
    rng = random.Random(20260311)
    cases = []
    for _ in range(count):
        value = random_value(rng)
        cases.append({"dumps": json.dumps(value, ensure_ascii=False), "str": str(value)})
    return cases


def outcome(fn):
    try:
        return {"ok": fn()}
    except Exception as e:  # the type and message are the data
        return {"error": type(e).__name__, "message": str(e)}


def loads_case(text):
    def run():
        value = json.loads(text)
        return {"dumps": json.dumps(value, ensure_ascii=False), "str": str(value), "repr": repr(value)}

    return {"text": text, **outcome(run)}


def error_case(text):
    error = json.loads(text)["error"]
    if not error:  # a falsy error (0, -0.0, "", {}) is no error to bub-extism
        return {"text": text, "message": None}
    message = str(error.get("message", "Extism hook returned an error")) if isinstance(error, dict) else str(error)
    return {"text": text, "message": message}


def envelope_case(hook, args_text):
    args = json.loads(args_text)
    state = {k: v for k, v in args.get("state", {}).items() if not k.startswith("_runtime_")}
    request = {"abi_version": "bub.extism.v1", "hook": hook, "args": {**args, "state": state}}
    return {"hook": hook, "args": args_text, "bytes": json.dumps(request, ensure_ascii=False)}


def surrogate_case(text):
    try:
        json.loads(text).encode("utf-8")
        return {"text": text, "message": None}
    except UnicodeEncodeError as e:
        return {"text": text, "message": str(e)}


def nested(kind, depth):
    """`depth` containers, each holding the next: lists, dicts, or both in turn (a list outermost)."""
    if kind == "list":
        return "[" * depth + "]" * depth
    if kind == "dict":
        return '{"a": ' * depth + "1" + "}" * depth
    opens = ["[" if i % 2 == 0 else '{"a": ' for i in range(depth)]
    closes = ["]" if i % 2 == 0 else "}" for i in range(depth)]
    return "".join(opens) + "1" + "".join(reversed(closes))


def loads_limit(kind):
    """The deepest nesting json.loads reads on this thread, and the error one level deeper."""
    lo, hi = 1, 5000
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            json.loads(nested(kind, mid))
            lo = mid
        except RecursionError:
            hi = mid - 1
    try:
        json.loads(nested(kind, lo + 1))
        error = None
    except RecursionError as e:
        error = str(e)
    return {"max": lo, "error": error}


# A frame-for-frame stand-in for bub-extism's encoder (codec.py): a value that cannot be encoded,
# RecursionError included, is left out and its container kept.
SKIP = object()


def or_skip(value):
    try:
        return encode_value(value)
    except (TypeError, ValueError, RecursionError):
        return SKIP


def encode_value(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return mapping({str(key): item for key, item in value.items()})
    if isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray | memoryview):
        return [encoded for item in value if (encoded := or_skip(item)) is not SKIP]
    raise TypeError(type(value).__name__)


def mapping(value):
    return {str(key): encoded for key, item in value.items() if (encoded := or_skip(item)) is not SKIP}


def request_of(hook, args):
    return {"abi_version": "bub.extism.v1", "hook": hook, "args": mapping(args)}


def call_export(hook, args):
    return json.dumps(request_of(hook, args), ensure_ascii=False)


def call_hook_sync(hook, args):
    return call_export(hook, args)


ENCODE_DEPTHS = {"list": range(493, 498), "dict": range(328, 333), "mixed": range(393, 399)}


async def encode_limit(kind):
    """What bub-extism sends of a `prompt` of `depth` nested containers, called as its bridge calls it."""
    rows = []
    for depth in ENCODE_DEPTHS[kind]:
        text = nested(kind, depth)
        sent = await asyncio.to_thread(call_hook_sync, "run_model", {"prompt": json.loads(text)})
        rows.append({"prompt": text, "bytes": sent})
    return rows


async def worker_thread_facts():
    loads = await asyncio.to_thread(lambda: {kind: loads_limit(kind) for kind in ("list", "dict")})
    return {"loads": loads, "encode": {kind: await encode_limit(kind) for kind in ENCODE_DEPTHS}}


def main():
    thread = asyncio.run(worker_thread_facts())
    data = {
        "_generated_by": "PYENV_VERSION=3.12.1 python3 scripts/python-vectors.py",
        "python": sys.version.split()[0],
        "recursion_limit": sys.getrecursionlimit(),
        "loads": [loads_case(t) for t in LOADS],
        "errors": [error_case(t) for t in ERRORS],
        "envelopes": [envelope_case(h, a) for h, a in ENVELOPES],
        "surrogates": [surrogate_case(t) for t in SURROGATES],
        "generated": generated_cases(400),
        "pretty": [{"text": t, "indent2": json.dumps(json.loads(t), indent=2, ensure_ascii=False)} for t in PRETTY],
        "nesting": {"main_thread_loads": {k: loads_limit(k) for k in ("list", "dict")}, "worker_thread": thread},
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=True, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
