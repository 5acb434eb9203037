import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A notification as an alert webhook receives it (alerts/notifier.ts sends `{ text, … }`). */
export interface RecordedHook {
  path: string;
  text: string;
}

/** A local webhook server on a free loopback port that records what alerts send it. */
export async function startWebhookRecorder(): Promise<{ url: string; hooks: RecordedHook[]; close(): void }> {
  const hooks: RecordedHook[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      hooks.push({ path: request.url ?? '', text: (JSON.parse(body) as { text: string }).text });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hooks, close: () => void server.close() };
}
