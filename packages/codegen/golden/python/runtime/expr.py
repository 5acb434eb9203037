"""The expression language (docs/workflows.md, "Expressions"): tokens, a parser that bounds the
depth of the tree, and an interpreter over JSON values. Nothing is compiled or run as Python.
The same cases (packages/protocol/cases/expressions.json) pass here and in the hub's engine."""

import math
import re

from .filters import FILTERS
from .values import (
    UNDEFINED,
    ExpressionError,
    deep_equal,
    is_number,
    member,
    norm_number,
    to_text,
    truthy,
    type_name,
)

MAX_EXPRESSION_DEPTH = 64

OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "??", "?.", "<", ">", "!", "+", "-", "*", "/", "%", "|", ".", ",", "(", ")", "[", "]", "{", "}", ":", "?"]
NUMBER = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
IDENT_START = re.compile(r"[A-Za-z_$]")
IDENT_PART = re.compile(r"[A-Za-z0-9_$]")
HEX4 = re.compile(r"^[0-9a-fA-F]{4}$")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f"}
LEVELS = [["??"], ["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]]


def _syntax(message, pos):
    return ExpressionError(message, pos, "syntax")


def tokenize(source):
    tokens = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        if "0" <= ch <= "9":
            match = NUMBER.match(source, i)
            text = match.group(0) if match else ch
            value = float(text) if any(c in text for c in ".eE") else int(text)
            tokens.append(("num", norm_number(value), i))
            i += len(text)
            continue
        if ch in "\"'":
            start = i
            value = ""
            i += 1
            while True:
                if i >= n:
                    raise _syntax("unterminated string", start)
                c = source[i]
                if c == ch:
                    break
                if c == "\\":
                    nxt = source[i + 1] if i + 1 < n else ""
                    if nxt == "u" and HEX4.match(source[i + 2 : i + 6]):
                        value += chr(int(source[i + 2 : i + 6], 16))
                        i += 6
                        continue
                    if nxt not in ESCAPES:
                        raise _syntax(f"unknown escape \\{nxt}", i)
                    value += ESCAPES[nxt]
                    i += 2
                    continue
                value += c
                i += 1
            i += 1
            tokens.append(("str", value, start))
            continue
        if IDENT_START.match(ch):
            start = i
            while i < n and IDENT_PART.match(source[i]):
                i += 1
            tokens.append(("ident", source[start:i], start))
            continue
        if source.startswith("===", i) or source.startswith("!==", i):
            tokens.append(("op", source[i : i + 2], i))
            i += 3
            continue
        op = next((o for o in OPERATORS if source.startswith(o, i)), None)
        if op is None:
            raise _syntax(f"unexpected character {to_json_char(ch)}", i)
        tokens.append(("op", op, i))
        i += len(op)
    tokens.append(("eof", None, n))
    return tokens


def to_json_char(ch):
    import json

    return json.dumps(ch, ensure_ascii=False)


class Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def too_deep(self, pos):
        return ExpressionError(
            f"expression nested too deeply (more than {MAX_EXPRESSION_DEPTH} levels; long chains of operators, properties or filters count as nesting)",
            pos,
            "too_deep",
        )

    def node(self, expr, *children):
        height = 1
        for child in children:
            height = max(height, child.get("h", 1) + 1)
        if height > MAX_EXPRESSION_DEPTH:
            raise self.too_deep(expr["pos"])
        expr["h"] = height
        return expr

    def peek(self):
        return self.tokens[self.index]

    def next(self):
        token = self.tokens[self.index]
        self.index += 1
        return token

    def is_op(self, value):
        kind, text, _ = self.peek()
        return kind == "op" and text == value

    def expect_op(self, value):
        token = self.next()
        if token[0] != "op" or token[1] != value:
            raise _syntax(f'expected "{value}" but found {describe(token)}', token[2])

    def expect_end(self):
        token = self.peek()
        if token[0] != "eof":
            raise _syntax(f"unexpected {describe(token)}", token[2])

    def expression(self):
        self.depth += 1
        try:
            if self.depth > MAX_EXPRESSION_DEPTH:
                raise self.too_deep(self.peek()[2])
            return self.conditional()
        finally:
            self.depth -= 1

    def conditional(self):
        test = self.binary(0)
        if not self.is_op("?"):
            return test
        pos = self.next()[2]
        then = self.expression()
        self.expect_op(":")
        otherwise = self.expression()
        return self.node({"kind": "conditional", "test": test, "then": then, "otherwise": otherwise, "pos": pos}, test, then, otherwise)

    def binary(self, level):
        if level >= len(LEVELS):
            return self.unary()
        ops = LEVELS[level]
        left = self.binary(level + 1)
        while True:
            kind, text, pos = self.peek()
            if kind != "op" or text not in ops:
                return left
            self.next()
            right = self.binary(level + 1)
            left = self.node({"kind": "binary", "op": text, "left": left, "right": right, "pos": pos}, left, right)

    def unary(self):
        kind, text, pos = self.peek()
        if kind == "op" and text in ("!", "-"):
            self.next()
            self.depth += 1
            try:
                if self.depth > MAX_EXPRESSION_DEPTH:
                    raise self.too_deep(pos)
                operand = self.unary()
                return self.node({"kind": "unary", "op": text, "operand": operand, "pos": pos}, operand)
            finally:
                self.depth -= 1
        return self.postfix()

    def postfix(self):
        expr = self.primary()
        while True:
            kind, text, pos = self.peek()
            if kind != "op":
                return expr
            if text in (".", "?."):
                self.next()
                name = self.next()
                if name[0] != "ident":
                    raise _syntax(f'expected a property name after "{text}"', name[2])
                prop = {"kind": "literal", "value": name[1], "pos": name[2]}
                expr = self.node({"kind": "member", "object": expr, "property": prop, "pos": pos}, expr)
            elif text == "[":
                self.next()
                prop = self.expression()
                self.expect_op("]")
                expr = self.node({"kind": "member", "object": expr, "property": prop, "pos": pos}, expr, prop)
            elif text == "|":
                self.next()
                name = self.next()
                if name[0] != "ident":
                    raise _syntax('expected a filter name after "|"', name[2])
                args = []
                if self.is_op("("):
                    self.next()
                    if not self.is_op(")"):
                        args.append(self.expression())
                        while self.is_op(","):
                            self.next()
                            args.append(self.expression())
                    self.expect_op(")")
                expr = self.node({"kind": "filter", "name": name[1], "input": expr, "args": args, "pos": name[2]}, expr, *args)
            else:
                return expr

    def primary(self):
        kind, text, pos = self.next()
        if kind in ("num", "str"):
            return {"kind": "literal", "value": text, "pos": pos}
        if kind == "ident":
            if text == "true":
                return {"kind": "literal", "value": True, "pos": pos}
            if text == "false":
                return {"kind": "literal", "value": False, "pos": pos}
            if text == "null":
                return {"kind": "literal", "value": None, "pos": pos}
            return {"kind": "name", "name": text, "pos": pos}
        if kind == "op":
            if text == "(":
                inner = self.expression()
                self.expect_op(")")
                return inner
            if text == "[":
                items = []
                if not self.is_op("]"):
                    items.append(self.expression())
                    while self.is_op(","):
                        self.next()
                        items.append(self.expression())
                self.expect_op("]")
                return self.node({"kind": "array", "items": items, "pos": pos}, *items)
            if text == "{":
                entries = []
                if not self.is_op("}"):
                    while True:
                        key = self.next()
                        if key[0] not in ("ident", "str"):
                            raise _syntax("expected a key", key[2])
                        self.expect_op(":")
                        entries.append((str(key[1]), self.expression()))
                        if not self.is_op(","):
                            break
                        self.next()
                self.expect_op("}")
                return self.node({"kind": "object", "entries": entries, "pos": pos}, *[v for _, v in entries])
            raise _syntax(f'unexpected "{text}"', pos)
        raise _syntax("unexpected end of expression", pos)


def describe(token):
    kind, text, _ = token
    if kind == "eof":
        return "end of expression"
    if kind == "str":
        return f"string {to_json_char(text) if len(text) == 1 else __import__('json').dumps(text, ensure_ascii=False)}"
    if kind == "num":
        from .values import js_number

        return f'"{js_number(text)}"'
    return f'"{text}"'


def parse_expression(source):
    parser = Parser(tokenize(source))
    expr = parser.expression()
    parser.expect_end()
    return expr


def evaluate(expr, scope):
    kind = expr["kind"]
    if kind == "literal":
        return expr["value"]
    if kind == "name":
        name = expr["name"]
        if name not in scope:
            raise ExpressionError(f'unknown name "{name}" (use one of: {", ".join(scope.keys())})', expr["pos"])
        value = scope[name]
        return value() if callable(value) else value
    if kind == "member":
        obj = evaluate(expr["object"], scope)
        key = evaluate(expr["property"], scope)
        try:
            return member(obj, key)
        except ExpressionError as error:
            raise ExpressionError(error.message, expr["pos"]) from None
    if kind == "unary":
        operand = evaluate(expr["operand"], scope)
        if expr["op"] == "!":
            return not truthy(operand)
        if not is_number(operand):
            raise ExpressionError(f"cannot negate {type_name(operand)}", expr["pos"])
        return -operand
    if kind == "binary":
        return _binary(expr, scope)
    if kind == "conditional":
        return evaluate(expr["then"] if truthy(evaluate(expr["test"], scope)) else expr["otherwise"], scope)
    if kind == "filter":
        fn = FILTERS.get(expr["name"])
        if fn is None:
            raise ExpressionError(f'unknown filter "{expr["name"]}"', expr["pos"])
        value = evaluate(expr["input"], scope)
        args = [evaluate(arg, scope) for arg in expr["args"]]
        try:
            return fn(value, args)
        except ExpressionError as error:
            raise ExpressionError(error.message, expr["pos"]) from None
    if kind == "array":
        return [evaluate(item, scope) for item in expr["items"]]
    if kind == "object":
        out = {}
        for key, value in expr["entries"]:
            if key == "__proto__":
                raise ExpressionError('"__proto__" cannot be a key', expr["pos"])
            out[key] = evaluate(value, scope)
        return out
    raise ExpressionError(f"unknown expression {kind}", expr.get("pos", -1))


def _finite(value, pos):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ExpressionError("the result is not a finite number (division by zero?)", pos)
    return norm_number(value)


def _binary(expr, scope):
    op = expr["op"]
    pos = expr["pos"]
    left = evaluate(expr["left"], scope)
    if op == "&&":
        return evaluate(expr["right"], scope) if truthy(left) else left
    if op == "||":
        return left if truthy(left) else evaluate(expr["right"], scope)
    if op == "??":
        return evaluate(expr["right"], scope) if left is None or left is UNDEFINED else left
    right = evaluate(expr["right"], scope)
    if op in ("==", "!="):
        same = deep_equal(None if left is UNDEFINED else left, None if right is UNDEFINED else right)
        return same if op == "==" else not same
    if op in ("<", "<=", ">", ">="):
        comparable = (is_number(left) and is_number(right)) or (isinstance(left, str) and isinstance(right, str))
        if not comparable:
            raise ExpressionError(f"cannot compare {type_name(left)} with {type_name(right)}", pos)
        if isinstance(left, str):
            left, right = left.encode("utf-16-be"), right.encode("utf-16-be")
        return left < right if op == "<" else left <= right if op == "<=" else left > right if op == ">" else left >= right
    if op == "+":
        if is_number(left) and is_number(right):
            return _finite(left + right, pos)
        if isinstance(left, str) or isinstance(right, str):
            return to_text(left) + to_text(right)
        if isinstance(left, list) and isinstance(right, list):
            return left + right
        raise ExpressionError(f"cannot add {type_name(left)} and {type_name(right)}", pos)
    if not is_number(left) or not is_number(right):
        raise ExpressionError(f'"{op}" needs numbers, not {type_name(left)} and {type_name(right)}', pos)
    if op == "-":
        return _finite(left - right, pos)
    if op == "*":
        return _finite(left * right, pos)
    if op == "/":
        if right == 0:
            if left == 0:
                return _finite(float("nan"), pos)
            return _finite(float("inf"), pos)
        return _finite(left / right, pos)
    if right == 0:
        return _finite(float("nan"), pos)
    return _finite(math.fmod(left, right), pos)
