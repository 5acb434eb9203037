"""Which keys and parameter names hold secrets.

Matching is on the name, never on the value: `password="hunter2"` is redacted, the string
"my password is hunter2" is not (use `before_send` for that).
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, Pattern

from ._log import warn_user

REDACTED = "[REDACTED]"

# Names are normalised first (lower case, every run of non-alphanumerics -> "_", camelCase split),
# so "apiKey", "API-KEY" and "api_key" all read "api_key".
DEFAULT_PATTERNS = (
    r"passw(or)?d",
    r"passphrase",
    r"(^|_)pass(_|$)",
    r"(^|_)pwd(_|$)",
    r"secret",
    # "token" and "access_token" are secrets; "tokens", "max_tokens" and "token_count" are numbers.
    r"(?<!max_)(?<!num_)token(?!s|_?count|_?limit|izer|_?usage|_?ids?(_|$))",
    r"api_?key",
    r"access_?key",
    r"auth(?!or(s|ed|ity|ities|ship)?(_|$))",  # authorization, auth_token, oauth; not author(s), authority
    r"credential",
    r"session",
    r"cookie",
    r"private_?key",
    r"credit_?card",
    r"card_?number",
    r"(^|_)cvc(_|$)",
    r"(^|_)cvv(_|$)",
    r"(^|_)ssn(_|$)",
    r"(^|_)jwt(_|$)",
    r"bearer",
    r"signing_?key",
    r"client_?secret",
)

_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CACHE_LIMIT = 4096


def normalise(name: str) -> str:
    return _NON_ALNUM.sub("_", _CAMEL.sub(r"\1_\2", name).lower())


class Redactor:
    """Decides, with a bounded cache, whether a key names a secret."""

    __slots__ = ("_defaults", "_custom", "_cache", "enabled")

    def __init__(self, patterns: Iterable[str] = (), use_defaults: bool = True) -> None:
        self._defaults: Pattern[str] | None = (
            re.compile("|".join(DEFAULT_PATTERNS)) if use_defaults else None
        )
        custom = []
        for pattern in patterns:
            try:
                custom.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                warn_user(f"redact pattern {pattern!r} is not a valid regex ({exc}); matching it literally")
                custom.append(re.compile(re.escape(pattern), re.IGNORECASE))
        self._custom = tuple(custom)
        self._cache: Dict[str, bool] = {}
        self.enabled = self._defaults is not None or bool(self._custom)

    def is_secret(self, name: str) -> bool:
        hit = self._cache.get(name)
        if hit is not None:
            return hit
        hit = self._match(name)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[name] = hit
        return hit

    def _match(self, name: str) -> bool:
        if not self.enabled or not isinstance(name, str):
            return False
        if self._defaults is not None and self._defaults.search(normalise(name)):
            return True
        return any(pattern.search(name) for pattern in self._custom)
