import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamAnthropic, streamOpenAi } from './llm-test-stream.js';

export interface LlmTestRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: {
    model?: string;
    messages?: { role: string; content: unknown }[];
    system?: string;
    max_tokens?: number;
    temperature?: number;
    response_format?: { type: string };
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
  };
}

export interface LlmTestServer {
  /** Base URL for the openai client (`…/v1`). */
  openaiBaseUrl: string;
  /** Base URL for the anthropic client (the client appends `/v1/messages`). */
  anthropicBaseUrl: string;
  requests: LlmTestRequest[];
  /** Answer the next `n` requests with this status. */
  failNext(n: number, status: number): void;
  /** Answer the next requests with these texts, one each, in order (scripted answers), then echo again. */
  answerNext(...texts: string[]): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for a paid LLM API, speaking the OpenAI chat-completions and the Anthropic
 * messages formats. The answer echoes the last user message (`echo: <text>`) or, when asked for
 * JSON, `{"echo": <text>}` — unless answers were scripted with `answerNext`; token counts are the number of words. With `stream: true` the answer
 * comes as server-sent events, one word each (llm-test-stream.ts).
 *
 * @example
 *   const llm = await startLlmTestServer();
 *   // LLM node config: { baseUrl: llm.openaiBaseUrl, apiKey: 'test', model: 'test-model', prompt: 'hi' }
 */
export async function startLlmTestServer(): Promise<LlmTestServer> {
  const requests: LlmTestRequest[] = [];
  let failures: { left: number; status: number } = { left: 0, status: 500 };
  const scripted: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: LlmTestRequest['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as LlmTestRequest['body'];
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'bad json' } }));
        return;
      }
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      if (failures.left > 0) {
        failures.left--;
        res.writeHead(failures.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'overloaded', message: `injected ${failures.status}` } }));
        return;
      }
      const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
      const text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
      const wantsJson = body.response_format?.type === 'json_object' || /JSON only/.test(body.system ?? '');
      const answer = scripted.shift() ?? (wantsJson ? JSON.stringify({ echo: text }) : `echo: ${text}`);
      const inputTokens = JSON.stringify(body.messages ?? []).split(/\s+/).length;
      const outputTokens = answer.split(/\s+/).length;
      const streamed = { id: `stream-${requests.length}`, model: body.model ?? 'unknown', answer, inputTokens, outputTokens };
      if (body.stream && req.url?.endsWith('/chat/completions')) return streamOpenAi(res, streamed, body.stream_options?.include_usage === true);
      if (body.stream && req.url?.endsWith('/messages')) return streamAnthropic(res, streamed);
      res.setHeader('content-type', 'application/json');
      if (req.url?.endsWith('/chat/completions')) {
        res.end(
          JSON.stringify({
            id: `chatcmpl-${requests.length}`,
            object: 'chat.completion',
            created: 0,
            model: body.model ?? 'unknown',
            choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
            usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
          }),
        );
      } else if (req.url?.endsWith('/messages')) {
        res.end(
          JSON.stringify({
            id: `msg_${requests.length}`,
            type: 'message',
            role: 'assistant',
            model: body.model ?? 'unknown',
            content: [{ type: 'text', text: answer }],
            stop_reason: 'end_turn',
            usage: { input_tokens: inputTokens, output_tokens: outputTokens },
          }),
        );
      } else {
        res.writeHead(404).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    openaiBaseUrl: `http://127.0.0.1:${port}/v1`,
    anthropicBaseUrl: `http://127.0.0.1:${port}`,
    requests,
    failNext(n, status) {
      failures = { left: n, status };
    },
    answerNext(...texts) {
      scripted.push(...texts);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
