"""Runs packages/protocol/cases/expressions.json against a Python runtime folder and prints one JSON
result per case: {"value": …} | {"undefined": true} | {"error": message, "kind": kind}.
Usage: python3 run_expression_cases.py <folder holding runtime/> <cases.json>"""

import json
import sys

sys.path.insert(0, sys.argv[1])

from runtime.expr import evaluate, parse_expression  # noqa: E402
from runtime.template import TemplateError, render_template  # noqa: E402
from runtime.values import UNDEFINED, ExpressionError, Strict, to_json  # noqa: E402

data = json.load(open(sys.argv[2], encoding="utf-8"))


def scope_of():
    scope = dict(data["scope"])
    for name, message in data["strict"].items():
        scope[name] = Strict(scope[name], lambda key, m=message: m.replace("{key}", key))
    return scope


results = []
for case in data["cases"]:
    try:
        if "template" in case:
            value = render_template(case["template"], scope_of())
        else:
            value = evaluate(parse_expression(case["expr"]), scope_of())
        results.append({"undefined": True} if value is UNDEFINED else {"json": to_json(value)})
    except ExpressionError as error:
        results.append({"error": error.message, "kind": error.kind})
    except TemplateError as error:
        results.append({"error": str(error), "kind": "template"})
    except Exception as error:  # a crash is a failed case, reported as such
        results.append({"crash": f"{type(error).__name__}: {error}"})
print(json.dumps(results))
