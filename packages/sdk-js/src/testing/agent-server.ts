import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible chat completions server for the replay tests, the twin of
 * sdk/python/tests/integration/replay_agent/agent_server.py (same answers, same shapes; see the
 * README there for where the shapes come from): it keeps the body of every call it receives and
 * answers like a model driving a tool loop — `write_note` while the conversation holds fewer than
 * STEPS tool results (the note quotes the first user message), then a text answer.
 */
const STEPS = 4;

interface Message {
  role: string;
  content?: unknown;
}

export function answer(body: { model: string; messages: Message[] }): unknown {
  const done = body.messages.filter((m) => m.role === 'tool').length;
  const task = String(body.messages.find((m) => m.role === 'user')?.content ?? '');
  const base = { id: `chatcmpl-step${done + 1}`, object: 'chat.completion', created: 1700000000 + done, model: `${body.model}-2024-07-18`, system_fingerprint: 'fp_test' };
  const usage = { prompt_tokens: 20 + 10 * body.messages.length, completion_tokens: 12, total_tokens: 32 + 10 * body.messages.length };
  if (done < STEPS) {
    const args = JSON.stringify({ name: `note${done + 1}.txt`, text: `step ${done + 1} of ${task}` });
    const message = { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: `call_${done + 1}`, type: 'function', function: { name: 'write_note', arguments: args } }] };
    return { ...base, choices: [{ index: 0, message, logprobs: null, finish_reason: 'tool_calls' }], usage };
  }
  const message = { role: 'assistant', content: `Wrote ${done} notes about ${task}.`, refusal: null };
  return { ...base, choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }], usage };
}

export interface AgentServer {
  url: string;
  bodies: { model: string; messages: Message[] }[];
  close(): Promise<void>;
}

export async function startAgentServer(): Promise<AgentServer> {
  const bodies: AgentServer['bodies'] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (!req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(text) as AgentServer['bodies'][number];
      bodies.push(body);
      const data = JSON.stringify(answer(body));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }).end(data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
