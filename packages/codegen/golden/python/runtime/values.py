"""JSON values with the engine's semantics (JavaScript's): undefined apart from null, truthiness,
deep equality, numbers printed as JavaScript prints them. Shared by the expression evaluator and
the filters; nothing here reads host objects."""

import json
import math
import re


class _Undefined:
    """A missing value (JavaScript's undefined): renders as "", is dropped from JSON objects."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "undefined"

    def __bool__(self):
        return False


UNDEFINED = _Undefined()

FORBIDDEN_KEYS = {"__proto__", "prototype", "constructor"}


class Strict(dict):
    """A record whose missing keys are an error (secrets, nodes), with the message `describe(key)`."""

    def __init__(self, values, describe):
        super().__init__(values)
        self.describe = describe


class ExpressionError(Exception):
    def __init__(self, message, pos=-1, kind="evaluation"):
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.kind = kind


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def norm_number(value):
    """Integral floats become ints, so 3.0 prints and compares as JavaScript's 3."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def js_number(value):
    """A number as JavaScript's String(n) writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"
        if mantissa.endswith(".0"):
            text = text.replace(".0e", "e")
    return text


def type_name(value):
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def truthy(value):
    if value is None or value is UNDEFINED or value is False:
        return False
    if is_number(value):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def deep_equal(a, b):
    if a is b:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        ka = [k for k, v in a.items() if v is not UNDEFINED]
        kb = [k for k, v in b.items() if v is not UNDEFINED]
        return len(ka) == len(kb) and all(k in b and deep_equal(a[k], b[k]) for k in ka)
    return False


def to_json(value, indent=None):
    """JSON.stringify: undefined is dropped from objects and null in arrays; numbers as JavaScript writes them."""
    if value is UNDEFINED:
        value = None
    return _json(value, indent, 0)


def _json(value, indent, level):
    if value is None or value is UNDEFINED:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if is_number(value):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return "null"
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    pad = "" if not indent else "\n" + " " * (indent * (level + 1))
    end = "" if not indent else "\n" + " " * (indent * level)
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [_json(None if v is UNDEFINED else v, indent, level + 1) for v in value]
        return "[" + ",".join(pad + i for i in items) + end + "]"
    if isinstance(value, dict):
        items = [
            json.dumps(str(k), ensure_ascii=False) + (": " if indent else ":") + _json(v, indent, level + 1)
            for k, v in value.items()
            if v is not UNDEFINED
        ]
        if not items:
            return "{}"
        return "{" + ",".join(pad + i for i in items) + end + "}"
    return "null"


def to_plain(value):
    """A value ready for a JSON reply: undefined dropped (null in lists), integral floats as ints."""
    if value is UNDEFINED:
        return None
    if isinstance(value, list):
        return [None if v is UNDEFINED else to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items() if v is not UNDEFINED}
    if is_number(value):
        return norm_number(value)
    return value


def to_text(value):
    """How a value reads inside a text: strings as they are, objects as JSON, nothing as ""."""
    if value is None or value is UNDEFINED:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or is_number(value):
        return js_number(value)
    return to_json(value)


_INDEX = re.compile(r"^-?\d+$")


def member(obj, key):
    """Own keys of objects and arrays, `length` of strings and arrays; nothing else."""
    if obj is None or obj is UNDEFINED:
        return UNDEFINED
    if isinstance(key, bool) or not (isinstance(key, str) or is_number(key)):
        raise ExpressionError(f"a key must be a string or a number, not {type_name(key)}")
    name = key if isinstance(key, str) else js_number(key)
    if name in FORBIDDEN_KEYS:
        raise ExpressionError(f'"{name}" cannot be read')
    if isinstance(obj, str):
        if name == "length":
            return len(obj)
        if is_number(key):
            index = int(key) if float(key).is_integer() else -1
            return obj[index] if 0 <= index < len(obj) else UNDEFINED
        return UNDEFINED
    if isinstance(obj, list):
        if name == "length":
            return len(obj)
        if is_number(key) or _INDEX.match(name):
            number = float(name) if not is_number(key) else key
            if not float(number).is_integer():
                return UNDEFINED
            index = int(number)
            if index < 0:
                index += len(obj)
            return obj[index] if 0 <= index < len(obj) else UNDEFINED
        return UNDEFINED
    if not isinstance(obj, dict):
        return UNDEFINED
    if name in obj:
        return obj[name]
    if isinstance(obj, Strict):
        raise ExpressionError(obj.describe(name))
    return UNDEFINED
