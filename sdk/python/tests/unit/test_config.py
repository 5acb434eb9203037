"""Options come from configure(), then RUNTIME_HUB_* variables, then defaults; bad values warn."""

import subprocess
import sys
import textwrap
import warnings

import pytest

from runtime_hub._config import default_service, resolve


def test_defaults():
    config = resolve({}, environ={})
    assert config.url == "http://127.0.0.1:8765"
    assert config.enabled and config.capture_args and config.capture_result
    assert (config.max_string, config.max_depth, config.max_items) == (1024, 5, 50)
    assert config.max_span_bytes == 256 * 1024
    assert (config.max_queue_spans, config.max_queue_bytes) == (10_000, 8 * 1024 * 1024)
    assert (config.batch_spans, config.batch_bytes, config.flush_interval) == (1000, 512 * 1024, 1.0)
    assert config.service  # the script name


def test_environment_and_precedence():
    env = {
        "RUNTIME_HUB_URL": "http://hub:9000/",
        "RUNTIME_HUB_SERVICE": "shop",
        "RUNTIME_HUB_ENABLED": "yes",
        "RUNTIME_HUB_SAMPLE_RATE": "0.25",
        "RUNTIME_HUB_CAPTURE_ARGS": "0",
        "RUNTIME_HUB_REDACT": "iban, ssh_.*",
        "RUNTIME_HUB_MAX_STRING": "100",
        "RUNTIME_HUB_INSTRUMENT": "openai",
        "RUNTIME_HUB_TOKEN": "t0k",
    }
    config = resolve({"service": "explicit"}, environ=env)
    assert config.url == "http://hub:9000" and config.service == "explicit"
    assert config.sample_rate == 0.25 and config.capture_args is False
    assert config.redact == ("iban", "ssh_.*") and config.max_string == 100
    assert config.instrument == ("openai",) and config.token == "t0k"


@pytest.mark.parametrize(
    "env, field, expected",
    [
        ({"RUNTIME_HUB_SAMPLE_RATE": "abc"}, "sample_rate", 1.0),
        ({"RUNTIME_HUB_SAMPLE_RATE": "5"}, "sample_rate", 1.0),
        ({"RUNTIME_HUB_MAX_DEPTH": "1000"}, "max_depth", 32),
        ({"RUNTIME_HUB_ENABLED": "maybe"}, "enabled", True),
        ({"RUNTIME_HUB_URL": "ftp://x"}, "url", "http://127.0.0.1:8765"),
        ({"RUNTIME_HUB_COMPRESSION": "brotli"}, "compression", "auto"),
        ({"RUNTIME_HUB_MAX_SPAN_BYTES": "99999999"}, "max_span_bytes", 768 * 1024),
    ],
)
def test_bad_values_warn_and_fall_back(env, field, expected):
    with pytest.warns(RuntimeWarning):
        config = resolve({}, environ=env)
    assert getattr(config, field) == expected


def test_bad_values_never_raise_even_when_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve({"sample_rate": "nope"}, environ={}).sample_rate == 1.0


def test_default_service_names():
    assert default_service(["/srv/app/shop.py"]) in ("shop", default_service())
    assert default_service(["-c"]) in ("python", default_service())


def run(code, **env):
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RUNTIME_HUB_")}
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=full_env, capture_output=True, text=True, timeout=60)


def test_disabled_at_import_returns_the_function_itself():
    result = run(
        """
        import runtime_hub
        def f(): return 1
        assert runtime_hub.track(f) is f
        assert runtime_hub.track(name="x")(f) is f
        with runtime_hub.track_span("block") as span:
            assert not span.is_recording
        print("ok")
        """,
        RUNTIME_HUB_ENABLED="0",
    )
    assert result.stdout.strip() == "ok", result.stderr
    assert result.stderr == ""


def test_service_defaults_to_the_script_name(tmp_path):
    script = tmp_path / "billing_job.py"
    script.write_text("import runtime_hub, runtime_hub._runtime as r\nprint(r.get_client().config.service)\n")
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNTIME_HUB_")}
    env["RUNTIME_HUB_URL"] = "http://127.0.0.1:9"
    env["RUNTIME_HUB_SHUTDOWN_TIMEOUT"] = "0"
    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "billing_job", result.stderr


def test_max_per_second_and_ignore_errors_options():
    config = resolve({}, environ={"RUNTIME_HUB_MAX_PER_SECOND": "250", "RUNTIME_HUB_IGNORE_ERRORS": "KeyError,,shop.NotFound "})
    assert config.max_per_second == 250.0 and config.ignore_errors == ("KeyError", "shop.NotFound")
    assert resolve({"ignore_errors": [KeyError, "x.Y"]}, environ={}).ignore_errors == (KeyError, "x.Y")
    assert resolve({}, environ={}).max_per_second is None
