"""openai / anthropic auto-instrumentation, with the real client libraries against a local server."""

import pytest

import runtime_hub
from runtime_hub.integrations import uninstrument

from .llm_server import LLMServer

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")


@pytest.fixture(scope="module")
def server():
    srv = LLMServer()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def instrumented():
    assert runtime_hub.instrument("openai", "anthropic") == {"openai": True, "anthropic": True}
    yield
    uninstrument()


@pytest.fixture
def oai(server):
    return openai.OpenAI(base_url=server.url + "/v1", api_key="sk-test", max_retries=0)


@pytest.fixture
def claude(server):
    return anthropic.Anthropic(base_url=server.url, api_key="sk-ant-test", max_retries=0)


MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello"}]


def test_openai_chat(spans, oai):
    result = oai.chat.completions.create(model="gpt-test", messages=MESSAGES, temperature=0.2, max_tokens=50)
    assert result.choices[0].message.content == "Hello there"
    record = spans.finished()[0]
    assert record["kind"] == "llm" and record["name"] == "chat gpt-test" and record["status"] == "ok"
    assert record["input"]["messages"] == MESSAGES and record["input"]["temperature"] == 0.2
    assert record["output"] == {"role": "assistant", "content": "Hello there"}
    attributes = record["attributes"]
    assert attributes["gen_ai.system"] == "openai"
    assert attributes["gen_ai.request.model"] == "gpt-test" and attributes["gen_ai.response.model"] == "gpt-test-2024"
    assert attributes["gen_ai.usage.input_tokens"] == 11 and attributes["gen_ai.usage.output_tokens"] == 3
    assert attributes["gen_ai.request.temperature"] == 0.2 and attributes["gen_ai.request.max_tokens"] == 50
    assert attributes["gen_ai.response.finish_reasons"] == ["stop"]


def test_openai_chat_stream(spans, oai):
    stream = oai.chat.completions.create(
        model="gpt-test", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    assert type(stream).__name__ == "Stream"
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == "Hello there"
    record = spans.finished()[0]
    assert record["output"] == {"role": "assistant", "content": "Hello there"}
    assert record["attributes"]["gen_ai.usage.output_tokens"] == 3
    assert record["attributes"]["gen_ai.request.stream"] is True


def test_openai_stream_closed_early(spans, oai):
    with oai.chat.completions.create(model="gpt-test", messages=MESSAGES, stream=True) as stream:
        next(iter(stream))
    record = spans.finished()[0]
    assert record["status"] == "ok" and record["attributes"]["runtime_hub.stream.closed_early"] is True


async def test_openai_async_chat_and_stream(spans, server):
    client = openai.AsyncOpenAI(base_url=server.url + "/v1", api_key="sk-test", max_retries=0)
    result = await client.chat.completions.create(model="gpt-test", messages=MESSAGES)
    assert result.choices[0].message.content == "Hello there"
    stream = await client.chat.completions.create(model="gpt-test", messages=MESSAGES, stream=True)
    parts = [chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices]
    assert "".join(parts) == "Hello there"
    records = spans.finished()
    assert len(records) == 2 and all(r["output"]["content"] == "Hello there" for r in records)


def test_openai_responses(spans, oai):
    result = oai.responses.create(model="gpt-test", input="Say hello", instructions="Be brief.")
    assert result.output_text == "Hello there"
    record = spans.finished()[0]
    assert record["name"] == "responses gpt-test" and record["output"] == "Hello there"
    assert record["input"] == {"instructions": "Be brief.", "input": "Say hello", "model": "gpt-test"}
    assert record["attributes"]["gen_ai.usage.input_tokens"] == 7


def test_openai_error_is_recorded_and_raised(spans, oai):
    with pytest.raises(openai.BadRequestError):
        oai.chat.completions.create(model="broken-model", messages=MESSAGES)
    record = spans.finished()[0]
    assert record["status"] == "error" and "BadRequestError" in record["error"]["type"]


def test_llm_call_nests_under_tracked_function(spans, oai):
    @runtime_hub.track(kind="agent")
    def agent():
        return oai.chat.completions.create(model="gpt-test", messages=MESSAGES).choices[0].message.content

    assert agent() == "Hello there"
    llm = next(r for r in spans.finished() if r["kind"] == "llm")
    parent = next(r for r in spans.finished() if r["kind"] == "agent")
    assert llm["parentSpanId"] == parent["spanId"]


def test_anthropic_messages(spans, claude):
    result = claude.messages.create(model="claude-test", max_tokens=100, system="Be brief.", messages=MESSAGES[1:])
    assert result.content[0].text == "Hello there"
    record = spans.finished()[0]
    assert record["name"] == "chat claude-test" and record["kind"] == "llm"
    assert record["input"]["system"] == "Be brief." and record["input"]["messages"] == MESSAGES[1:]
    assert record["output"] == {"role": "assistant", "content": "Hello there"}
    attributes = record["attributes"]
    assert attributes["gen_ai.system"] == "anthropic" and attributes["gen_ai.response.model"] == "claude-test-2024"
    assert attributes["gen_ai.usage.input_tokens"] == 9 and attributes["gen_ai.usage.output_tokens"] == 3
    assert attributes["gen_ai.response.finish_reasons"] == ["end_turn"]


def test_anthropic_stream(spans, claude):
    stream = claude.messages.create(model="claude-test", max_tokens=100, messages=MESSAGES[1:], stream=True)
    kinds = [event.type for event in stream]
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    record = spans.finished()[0]
    assert record["output"] == {"role": "assistant", "content": "Hello there"}
    assert record["attributes"]["gen_ai.usage.output_tokens"] == 3
    assert record["attributes"]["gen_ai.usage.input_tokens"] == 9


async def test_anthropic_async(spans, server):
    client = anthropic.AsyncAnthropic(base_url=server.url, api_key="sk-ant-test", max_retries=0)
    result = await client.messages.create(model="claude-test", max_tokens=10, messages=MESSAGES[1:])
    assert result.content[0].text == "Hello there"
    assert spans.finished()[0]["attributes"]["gen_ai.usage.output_tokens"] == 3


def test_capture_result_off_hides_the_answer(spans, oai):
    runtime_hub.configure(transport=spans, capture_result=False, capture_args=False)
    oai.chat.completions.create(model="gpt-test", messages=MESSAGES)
    record = spans.finished()[0]
    assert "output" not in record and "input" not in record
    assert record["attributes"]["gen_ai.usage.output_tokens"] == 3


def test_uninstrument_restores_the_library(spans, oai):
    uninstrument()
    oai.chat.completions.create(model="gpt-test", messages=MESSAGES)
    assert spans.records == []
