"""Secrets are redacted by name, by default; users add patterns and a before_send hook."""

import warnings

import pytest

import runtime_hub
from runtime_hub import track
from runtime_hub._redact import Redactor

SECRET = [
    "password", "passwd", "user_password", "Password", "secret", "client_secret", "token", "access_token",
    "refreshToken", "api_key", "apiKey", "API-KEY", "x-api-key", "auth", "authorization", "Authorization",
    "auth_header", "oauth_token", "credentials", "session", "session_id", "sessionId", "cookie", "Set-Cookie",
    "private_key", "privateKey", "credit_card", "card_number", "cvv", "ssn", "jwt", "bearer", "pwd",
]
NOT_SECRET = [
    "author", "authors", "authority", "name", "email", "max_tokens", "input_tokens", "tokens", "token_count",
    "tokenizer", "compass", "bypass", "keyboard", "gen_ai.usage.input_tokens", "gen_ai.request.max_tokens", "path",
]


@pytest.mark.parametrize("name", SECRET)
def test_default_secret_names(name):
    assert Redactor().is_secret(name)


@pytest.mark.parametrize("name", NOT_SECRET)
def test_default_non_secret_names(name):
    assert not Redactor().is_secret(name)


def test_user_patterns_and_disabling_defaults():
    redactor = Redactor(["iban", "^ssh_"], use_defaults=False)
    assert redactor.is_secret("customer_IBAN") and redactor.is_secret("ssh_host")
    assert not redactor.is_secret("password")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert Redactor(["[unclosed"]).is_secret("a[unclosed")  # invalid regex matched literally


def test_redaction_in_a_tracked_call(spans):
    @track
    def login(user, password, **options):
        return {"user": user, "session": {"id": "abc"}, "nested": [{"api_key": "k", "ok": 1}]}

    login("ann", "hunter2", token="t", remember=True)
    record = spans.finished()[0]
    assert record["input"] == {"user": "ann", "password": "[REDACTED]", "token": "[REDACTED]", "remember": True}
    assert record["output"] == {"user": "ann", "session": "[REDACTED]", "nested": [{"api_key": "[REDACTED]", "ok": 1}]}


def test_positional_secret_argument(spans):
    @track
    def connect(host, secret):
        pass

    connect("db", "s3cr3t")
    assert spans.finished()[0]["input"] == {"host": "db", "secret": "[REDACTED]"}


def test_attributes_are_redacted_too(spans):
    with runtime_hub.track_span("call") as span:
        span.set_attribute("http.request.header.authorization", "Bearer x")
        span.set_attribute("gen_ai.usage.input_tokens", 5)
    attributes = spans.finished()[0]["attributes"]
    assert attributes["http.request.header.authorization"] == "[REDACTED]"
    assert attributes["gen_ai.usage.input_tokens"] == 5


def test_custom_patterns_via_configure(spans):
    runtime_hub.configure(transport=spans, redact=["iban"])

    @track
    def pay(iban, amount):
        pass

    pay("DE00", 5)
    assert spans.finished()[0]["input"] == {"iban": "[REDACTED]", "amount": 5}


def test_redaction_can_be_turned_off(spans):
    runtime_hub.configure(transport=spans, redact_defaults=False)

    @track
    def login(password):
        pass

    login("visible")
    assert spans.finished()[0]["input"] == {"password": "visible"}


def test_before_send_can_edit_and_drop(spans):
    def scrub(record):
        if record["name"].endswith("drop_me"):
            return None
        record.setdefault("attributes", {})["scrubbed"] = True
        return record

    runtime_hub.configure(transport=spans, before_send=scrub)

    @track
    def keep():
        pass

    @track
    def drop_me():
        pass

    keep()
    drop_me()
    names = [r["name"] for r in spans.finished()]
    assert len(names) == 1 and names[0].endswith("keep")
    assert spans.finished()[0]["attributes"]["scrubbed"] is True
    assert spans.dropped()["before_send"] == 2  # its start and end record


def test_before_send_that_raises_drops_the_record(spans):
    def broken(record):
        raise ValueError("bug in hook")

    runtime_hub.configure(transport=spans, before_send=broken)

    @track
    def f():
        return 1

    assert f() == 1
    assert spans.records == [] and spans.dropped()["before_send_error"] == 2
