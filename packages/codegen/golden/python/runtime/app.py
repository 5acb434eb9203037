"""The exported project inside the app: its manifest, environment and secrets (read from the
process environment, never from files), its workflows by id, the HTTP client and secret masking."""

import os
import time

import httpx

from .values import UNDEFINED


class ProjectApp:
    def __init__(self, project, workflows, node_fields, secret_names):
        self.project = project
        self.workflows = workflows
        self.node_fields = node_fields
        self.secret_names = secret_names
        self.started_at = time.time()
        self.http = httpx.AsyncClient(follow_redirects=True)
        self.background = set()
        self.schedules = []  # the cron workflows' tasks (runtime/schedules.py)

    def env(self):
        """The project's variables (defaults from the export), overridden by the process environment."""
        return {name: os.environ.get(name, value) for name, value in self.project.get("env", {}).items()}

    def secrets(self):
        return {name: os.environ[name] for name in self.secret_names if name in os.environ}

    def mask(self, value):
        """Replaces each secret value (4+ characters) by [secret:NAME] wherever it occurs in a text."""
        secrets = [(name, text) for name, text in self.secrets().items() if len(text) >= 4]
        if not secrets:
            return value
        return _mask(value, secrets)

    async def close(self):
        await self.http.aclose()


def _mask(value, secrets):
    if isinstance(value, str):
        for name, text in secrets:
            if text in value:
                value = value.replace(text, f"[secret:{name}]")
        return value
    if isinstance(value, list):
        return [_mask(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v, secrets) for k, v in value.items()}
    return value if value is not UNDEFINED else UNDEFINED
