"""Opt-in instrumentation of LLM client libraries: `runtime_hub.instrument("openai", "anthropic")`
or `configure(instrument=[...])` / RUNTIME_HUB_INSTRUMENT=openai,anthropic.

Each records the library's chat calls as `llm` spans (model, messages, answer, token usage as
gen_ai.* attributes), including streamed answers. Libraries that are not installed are skipped.
"""

from __future__ import annotations

import importlib
from typing import Dict

from .._log import logger, warn_user

_MODULES = {"openai": ".openai", "anthropic": ".anthropic"}


def instrument(*names: str) -> Dict[str, bool]:
    """Patch the named libraries (default: all known ones that are installed).
    Returns {name: patched}. Idempotent.

    Example::

        runtime_hub.instrument("openai")
    """
    result: Dict[str, bool] = {}
    for name in names or tuple(_MODULES):
        module_name = _MODULES.get(name)
        if module_name is None:
            warn_user(f"unknown integration {name!r}; known: {sorted(_MODULES)}")
            result[name] = False
            continue
        try:
            module = importlib.import_module(module_name, __name__)
            result[name] = bool(module.instrument())
        except Exception:
            logger.debug("could not instrument %s", name, exc_info=True)
            result[name] = False
    return result


def uninstrument(*names: str) -> None:
    for name in names or tuple(_MODULES):
        module_name = _MODULES.get(name)
        if module_name is None:
            continue
        try:
            importlib.import_module(module_name, __name__).uninstrument()
        except Exception:
            logger.debug("could not uninstrument %s", name, exc_info=True)
