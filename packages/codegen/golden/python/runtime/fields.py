"""A node's config ready to run: defaults applied, expressions evaluated, values coerced to the
field types (the engine's nodes/fields.ts and run/scope.ts). The field specs of the node types come
from the hub at export time (runtime/node_fields.py)."""

import json
import re

from .errors import NodeFailure, permanent
from .template import TemplateError, render_deep
from .values import UNDEFINED, is_number, js_number

UNITS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")


def parse_duration(value):
    if is_number(value):
        return value if value >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        number = float(text)
        return int(number) if number.is_integer() else number
    total, pos = 0, 0
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if not match:
            return None
        total += float(match.group(1)) * UNITS[match.group(2)]
        pos = match.end()
    if pos == 0:
        return None
    return int(total) if float(total).is_integer() else total


def with_defaults(fields, config):
    out = {f["name"]: f["default"] for f in fields if "default" in f}
    out.update({k: v for k, v in config.items() if v is not UNDEFINED})
    return out


def _empty(value):
    return value is None or value is UNDEFINED or (isinstance(value, str) and value.strip() == "")


def _visible(field, config):
    show = field.get("showIf")
    return show is None or any(c == config.get(show["field"]) for c in show["equals"])


def _describe(value):
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    text = json.dumps(value, ensure_ascii=False)[:60]
    kind = "boolean" if isinstance(value, bool) else "number" if is_number(value) else "string"
    return f"{kind} {text}"


def _type_problem(field, value):
    kind = field["type"]
    if kind in ("string", "text", "code", "workflow"):
        return None if isinstance(value, str) else f"must be text, not {_describe(value)}"
    if kind == "number":
        if not is_number(value):
            return f"must be a number, not {_describe(value)}"
        if "min" in field and value < field["min"]:
            return f"must be at least {js_number(field['min'])}"
        if "max" in field and value > field["max"]:
            return f"must be at most {js_number(field['max'])}"
        return None
    if kind == "boolean":
        return None if isinstance(value, bool) else f"must be true or false, not {_describe(value)}"
    if kind == "select":
        values = [o["value"] for o in field.get("options", [])]
        if value in values:
            return None
        return f"must be one of {', '.join(json.dumps(v) for v in values)}, not {json.dumps(value)}"
    if kind == "duration":
        return None if parse_duration(value) is not None else f'must be a duration like 500, "30s", "5m" or "2h", not {json.dumps(value)}'
    if kind == "map":
        return None if isinstance(value, dict) else f"must be an object of names to values, not {_describe(value)}"
    if kind == "list":
        return None if isinstance(value, list) else f"must be a list, not {_describe(value)}"
    return None


def _to_number(text):
    try:
        number = float(text.strip()) if text.strip() else 0
    except ValueError:
        return text
    return int(number) if float(number).is_integer() else number


def coerce_fields(fields, config):
    out = dict(config)
    for field in fields:
        if not _visible(field, out):
            continue
        name = field["name"]
        value = out.get(name, UNDEFINED)
        if _empty(value):
            if field.get("required"):
                raise permanent("CONFIG_INVALID", f'"{field["label"]}" ({name}) is empty', name)
            continue
        if field["type"] == "number" and isinstance(value, str):
            out[name] = _to_number(value)
        if field["type"] == "duration":
            out[name] = parse_duration(value)
        if field["type"] in ("string", "text") and (isinstance(value, bool) or is_number(value)):
            out[name] = js_number(value)
        if field["type"] == "boolean" and isinstance(value, str):
            out[name] = value == "true"
        problem = _type_problem(field, out[name])
        if problem:
            raise permanent("CONFIG_INVALID", f'"{field["label"]}" ({name}) {problem}', name)
    return out


def resolve_config(node, fields, scope):
    raw = with_defaults(fields, node.get("config") or {})
    literal = {f["name"] for f in fields if f.get("expressions") is False}
    resolved = {}
    for key, value in raw.items():
        if key in literal:
            resolved[key] = value
            continue
        try:
            resolved[key] = render_deep(value, scope, key)
        except TemplateError as error:
            expression = f" in {{{{ {error.expression} }}}}" if error.expression else ""
            raise NodeFailure(
                "EXPRESSION_ERROR",
                f'node "{node["id"]}", field "{error.path}": {error.reason}{expression}',
                non_retryable=True,
                field=key,
                details={"path": error.path, "expression": error.expression},
            ) from None
    return coerce_fields(fields, resolved)
