"""Optional instrumentation with runtime-hub's Python SDK: with the SDK installed
(`pip install runtime-hub`, or the repository's sdk/python) and RUNTIME_HUB_URL set, every run and
every node with I/O is a span in the hub, under the service named by RUNTIME_HUB_SERVICE (default:
the project id). Without either, nothing is sent and nothing is imported."""

import contextlib
import os

try:  # the SDK is optional
    import runtime_hub
except ImportError:  # pragma: no cover - depends on the deployment
    runtime_hub = None


def setup(project_id):
    if not enabled():
        return
    runtime_hub.configure(service=os.environ.get("RUNTIME_HUB_SERVICE") or project_id, url=os.environ["RUNTIME_HUB_URL"])


def enabled():
    return runtime_hub is not None and bool(os.environ.get("RUNTIME_HUB_URL"))


def span(name, kind, attributes=None, input_value=None):
    if not enabled():
        return contextlib.nullcontext(None)
    return runtime_hub.track_span(name, kind=kind, attributes=attributes or {}, input=input_value)
