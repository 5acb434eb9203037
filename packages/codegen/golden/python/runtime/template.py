"""Templates: strings with `{{ expression }}` parts. A string that is exactly one `{{ … }}` keeps the
value's type; otherwise each part is turned into text. `\\{{` writes a literal `{{`."""

from .expr import evaluate, parse_expression
from .values import ExpressionError, to_text

_cache = {}


class TemplateError(Exception):
    def __init__(self, path, expression, reason):
        text = (f"{path}: " if path else "") + reason + (f" in {{{{ {expression} }}}}" if expression else "")
        super().__init__(text)
        self.path = path
        self.expression = expression
        self.reason = reason


def _find_close(text, start):
    quote = None
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0 and text[i + 1 : i + 2] == "}":
                return i
            depth = max(0, depth - 1)
        i += 1
    return -1


def compile_template(text):
    cached = _cache.get(text)
    if cached is not None:
        return cached
    template = _parse(text)
    if len(_cache) > 20000:
        _cache.clear()
    _cache[text] = template
    return template


def _parse(text):
    if "{{" not in text:
        return ("literal", text)
    parts = []
    literal = ""
    i = 0
    while i < len(text):
        if text.startswith("\\{{", i):
            literal += "{{"
            i += 3
            continue
        if text.startswith("{{", i):
            end = _find_close(text, i + 2)
            if end < 0:
                raise ExpressionError('"{{" without a matching "}}"', i, "syntax")
            source = text[i + 2 : end].strip()
            if not source:
                raise ExpressionError("empty {{ }}", i, "syntax")
            try:
                expr = parse_expression(source)
            except ExpressionError as error:
                raise ExpressionError(f"{error.message} (in {{{{ {source} }}}})", i + 2 + error.pos, error.kind) from None
            if literal:
                parts.append(literal)
            literal = ""
            parts.append((source, expr))
            i = end + 2
            continue
        literal += text[i]
        i += 1
    if literal:
        parts.append(literal)
    if len(parts) == 1 and not isinstance(parts[0], str):
        return ("single", parts[0])
    if all(isinstance(p, str) for p in parts):
        return ("literal", "".join(parts))
    return ("parts", parts)


def _run(part, scope, path):
    source, expr = part
    try:
        return evaluate(expr, scope)
    except ExpressionError as error:
        raise TemplateError(path, source, error.message) from None


def render_template(text, scope, path=""):
    try:
        kind, body = compile_template(text)
    except ExpressionError as error:
        raise TemplateError(path, "", error.message) from None
    if kind == "literal":
        return body
    if kind == "single":
        return _run(body, scope, path)
    out = ""
    for part in body:
        out += part if isinstance(part, str) else to_text(_run(part, scope, path))
    return out


def render_deep(value, scope, path=""):
    if isinstance(value, str):
        return render_template(value, scope, path)
    if isinstance(value, list):
        return [render_deep(item, scope, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {k: render_deep(v, scope, f"{path}.{k}" if path else k) for k, v in value.items()}
    return value
