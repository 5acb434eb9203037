import type { ServerResponse } from 'node:http';

/**
 * Streamed answers of the LLM test server, in the two wire formats the official clients read:
 * OpenAI chat-completion chunks and Anthropic message events, both as server-sent events. The
 * answer goes out one word per event, so a test sees several deltas.
 */
export interface StreamedAnswer {
  id: string;
  model: string;
  answer: string;
  inputTokens: number;
  outputTokens: number;
}

const words = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? [text];

function sse(res: ServerResponse, event: string | undefined, data: unknown): void {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

/** `stream: true` on /chat/completions; usage comes in a last chunk when `stream_options.include_usage`. */
export function streamOpenAi(res: ServerResponse, a: StreamedAnswer, includeUsage: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: object, finish: string | null) => ({ id: a.id, object: 'chat.completion.chunk', created: 0, model: a.model, choices: [{ index: 0, delta, finish_reason: finish }] });
  sse(res, undefined, chunk({ role: 'assistant', content: '' }, null));
  for (const word of words(a.answer)) sse(res, undefined, chunk({ content: word }, null));
  sse(res, undefined, chunk({}, 'stop'));
  if (includeUsage) {
    sse(res, undefined, { id: a.id, object: 'chat.completion.chunk', created: 0, model: a.model, choices: [], usage: { prompt_tokens: a.inputTokens, completion_tokens: a.outputTokens, total_tokens: a.inputTokens + a.outputTokens } });
  }
  sse(res, undefined, '[DONE]');
  res.end();
}

/** `stream: true` on /v1/messages: message_start … content_block_delta … message_delta, message_stop. */
export function streamAnthropic(res: ServerResponse, a: StreamedAnswer): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  sse(res, 'message_start', {
    type: 'message_start',
    message: { id: a.id, type: 'message', role: 'assistant', model: a.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: a.inputTokens, output_tokens: 0 } },
  });
  sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  for (const word of words(a.answer)) sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: word } });
  sse(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
  sse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: a.outputTokens } });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}
