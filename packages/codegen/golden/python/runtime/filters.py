"""The filters of the expression language (`value | name(args)`), as the engine defines them."""

import base64
import binascii
import functools
import json
import math
import re
from datetime import datetime, timezone
from urllib.parse import quote

from .values import (
    UNDEFINED,
    ExpressionError,
    deep_equal,
    is_number,
    js_number,
    member,
    norm_number,
    to_json,
    to_text,
    truthy,
    type_name,
)


def _fail(message):
    raise ExpressionError(message)


def _str(value, name):
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or is_number(value):
        return js_number(value)
    if value is None or value is UNDEFINED:
        return ""
    _fail(f"{name} needs a string, not {type_name(value)}")


def _arr(value, name):
    if isinstance(value, list):
        return value
    _fail(f"{name} needs an array, not {type_name(value)}")


def _num(value, name):
    if is_number(value):
        return value
    _fail(f"{name} needs a number, not {type_name(value)}")


def _obj(value, name):
    if isinstance(value, dict):
        return value
    _fail(f"{name} needs an object, not {type_name(value)}")


def _arg(args, i):
    return args[i] if i < len(args) else UNDEFINED


def _path(value, dotted):
    current = value
    for key in to_text(dotted).split("."):
        current = member(current, key)
    return current


def _compare(a, b):
    if is_number(a) and is_number(b):
        return a - b
    ta, tb = to_text(a).encode("utf-16-be"), to_text(b).encode("utf-16-be")
    return -1 if ta < tb else 1 if ta > tb else 0


def _split(text, sep):
    if sep == "":
        return list(text)
    return text.split(sep)


def _length(v):
    if isinstance(v, (str, list)):
        return len(v)
    return len([k for k, x in _obj(v, "length").items() if x is not UNDEFINED])


def _parse_json(v):
    try:
        return _plain_numbers(json.loads(_str(v, "parse_json")))
    except json.JSONDecodeError as error:
        _fail(f"parse_json: {error.msg}")


def _plain_numbers(value):
    if isinstance(value, list):
        return [_plain_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_numbers(v) for k, v in value.items()}
    return norm_number(value)


_NUMBER_TEXT = re.compile(r"^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$")
_PREFIXED = re.compile(r"^0([xXoObB])([0-9a-fA-F]+)$")


def _number(v):
    if is_number(v):
        return v
    text = _str(v, "number").strip()
    result = None
    if text == "":
        result = None
    elif _NUMBER_TEXT.match(text):
        result = norm_number(float(text))
    else:
        match = _PREFIXED.match(text)
        if match:
            try:
                result = int(match.group(2), {"x": 16, "o": 8, "b": 2}[match.group(1).lower()])
            except ValueError:
                result = None
    if result is None or (isinstance(result, float) and not math.isfinite(result)):
        _fail(f"number: {to_json(v)} is not a number")
    return result


def _boolean(v):
    if isinstance(v, str):
        return v.strip().lower() not in ("", "false", "0", "no", "off")
    return truthy(v)


def _round(v, args):
    digits = _arg(args, 0)
    factor = 10 ** (digits if is_number(digits) else 0)
    return norm_number(math.floor(_num(v, "round") * factor + 0.5) / factor)


def _slice(v, args):
    start, end = _arg(args, 0), _arg(args, 1)
    s = int(start) if is_number(start) else 0
    e = int(end) if is_number(end) else None
    if isinstance(v, str):
        return v[s:e]
    return _arr(v, "slice")[s:e]


def _includes(v, args):
    needle = _arg(args, 0)
    if isinstance(v, str):
        return to_text(needle) in v
    return any(deep_equal(item, needle) for item in _arr(v, "includes"))


def _where(v, args):
    key, value = _arg(args, 0), _arg(args, 1)
    items = _arr(v, "where")
    if value is UNDEFINED:
        return [item for item in items if truthy(_path(item, key))]
    return [item for item in items if deep_equal(_path(item, key), value)]


def _sum(v):
    total = 0
    for item in _arr(v, "sum"):
        total += _num(item, "sum")
    return norm_number(total)


def _min(v):
    items = _arr(v, "min")
    return functools.reduce(lambda a, b: a if _compare(a, b) <= 0 else b, items) if items else None


def _max(v):
    items = _arr(v, "max")
    return functools.reduce(lambda a, b: a if _compare(a, b) >= 0 else b, items) if items else None


def _unique(v):
    out = []
    for item in _arr(v, "unique"):
        if not any(deep_equal(item, seen) for seen in out):
            out.append(item)
    return out


def _sort(v, args):
    key = _arg(args, 0)
    items = list(_arr(v, "sort"))
    if key is UNDEFINED:
        return sorted(items, key=functools.cmp_to_key(_compare))
    return sorted(items, key=functools.cmp_to_key(lambda a, b: _compare(_path(a, key), _path(b, key))))


def _flatten(v):
    out = []
    for item in _arr(v, "flatten"):
        if isinstance(item, list):
            out.extend(item)
        else:
            out.append(item)
    return out


def _truncate(v, args):
    s = _str(v, "truncate")
    length = _arg(args, 0)
    limit = int(length) if is_number(length) else 80
    return s[: max(0, limit - 1)] + "…" if len(s) > limit else s


def _unbase64(v):
    text = re.sub(r"[^A-Za-z0-9+/_-]", "", _str(v, "unbase64")).replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return ""


def _parse_time(text):
    text = text.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        text += "T00:00:00Z"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(round(moment.timestamp() * 1000))


def _iso(v):
    ms = v if is_number(v) else _parse_time(_str(v, "iso"))
    if ms is None or not math.isfinite(ms) or abs(ms) > 8.64e15:
        _fail(f"iso: {to_json(v)} is not a time")
    moment = datetime.fromtimestamp(int(ms) // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{int(ms) % 1000:03d}Z"


def _epoch(v):
    ms = v if is_number(v) else _parse_time(_str(v, "epoch"))
    if ms is None:
        _fail(f"epoch: {to_json(v)} is not a time")
    return ms


def _pick(v, args):
    source = _obj(v, "pick")
    keys = [to_text(k) for k in args]
    return {k: source[k] for k in keys if k in source}


def _omit(v, args):
    drop = {to_text(k) for k in args}
    return {k: x for k, x in _obj(v, "omit").items() if k not in drop}


def _default(v, args):
    return _arg(args, 0) if v is None or v is UNDEFINED or v == "" else v


def _json_filter(v, args):
    indent = _arg(args, 0)
    return to_json(v, int(indent) if is_number(indent) and indent > 0 else None)


FILTERS = {
    "upper": lambda v, a: _str(v, "upper").upper(),
    "lower": lambda v, a: _str(v, "lower").lower(),
    "capitalize": lambda v, a: (lambda s: s[:1].upper() + s[1:])(_str(v, "capitalize")),
    "trim": lambda v, a: _str(v, "trim").strip(),
    "length": lambda v, a: _length(v),
    "default": _default,
    "json": _json_filter,
    "parse_json": lambda v, a: _parse_json(v),
    "string": lambda v, a: to_text(v),
    "number": lambda v, a: _number(v),
    "boolean": lambda v, a: _boolean(v),
    "first": lambda v, a: v[:1] if isinstance(v, str) else (lambda x: x[0] if x else UNDEFINED)(_arr(v, "first")),
    "last": lambda v, a: v[-1:] if isinstance(v, str) else (lambda x: x[-1] if x else UNDEFINED)(_arr(v, "last")),
    "join": lambda v, a: (",".join if _arg(a, 0) is UNDEFINED else to_text(_arg(a, 0)).join)([to_text(x) for x in _arr(v, "join")]),
    "split": lambda v, a: _split(_str(v, "split"), "," if _arg(a, 0) is UNDEFINED else to_text(_arg(a, 0))),
    "keys": lambda v, a: [k for k, x in _obj(v, "keys").items() if x is not UNDEFINED],
    "values": lambda v, a: [x for x in _obj(v, "values").values() if x is not UNDEFINED],
    "entries": lambda v, a: [{"key": k, "value": x} for k, x in _obj(v, "entries").items() if x is not UNDEFINED],
    "round": _round,
    "floor": lambda v, a: math.floor(_num(v, "floor")),
    "ceil": lambda v, a: math.ceil(_num(v, "ceil")),
    "abs": lambda v, a: abs(_num(v, "abs")),
    "slice": _slice,
    "replace": lambda v, a: to_text(_arg(a, 1)).join(_split(_str(v, "replace"), to_text(_arg(a, 0)))),
    "includes": _includes,
    "map": lambda v, a: [_path(item, _arg(a, 0)) for item in _arr(v, "map")],
    "where": _where,
    "sum": lambda v, a: _sum(v),
    "min": lambda v, a: _min(v),
    "max": lambda v, a: _max(v),
    "unique": lambda v, a: _unique(v),
    "sort": _sort,
    "reverse": lambda v, a: v[::-1] if isinstance(v, str) else list(reversed(_arr(v, "reverse"))),
    "flatten": lambda v, a: _flatten(v),
    "pick": _pick,
    "omit": _omit,
    "truncate": _truncate,
    "base64": lambda v, a: base64.b64encode(_str(v, "base64").encode("utf-8")).decode("ascii"),
    "unbase64": lambda v, a: _unbase64(v),
    "urlencode": lambda v, a: quote(_str(v, "urlencode"), safe="-_.!~*'()"),
    "iso": lambda v, a: _iso(v),
    "epoch": lambda v, a: _epoch(v),
}
