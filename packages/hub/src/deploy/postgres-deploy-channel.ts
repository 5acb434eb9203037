import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool } from '../store/postgres/pool.js';
import type { DeployAnswer, DeployChannel, DeployCommand } from './deploy-channel.js';

const CHANNEL = 'runtime_hub_deployments';
/** NOTIFY payloads must stay under 8,000 bytes: messages are cut to this. */
const MAX_MESSAGE = 1500;

type Message =
  | { kind: 'ask'; id: string; from: string; to: string; command: DeployCommand }
  | { kind: 'answer'; id: string; to: string; answer: DeployAnswer };

/**
 * The deploy channel on PostgreSQL LISTEN/NOTIFY (scaled mode, `--db`): every hub listens on one
 * channel on a connection of its own and keeps what is addressed to it (asks by hub id, answers by
 * request id). A notification reaches only hubs listening at
 * that moment: an ask to a hub that is gone is not answered, and the asker gives up (its signal).
 */
export class PostgresDeployChannel implements DeployChannel {
  private listener: pg.Client | undefined;
  private closed = false;
  private handler: ((command: DeployCommand, from: string) => Promise<DeployAnswer>) | undefined;
  private readonly waiting = new Map<string, (answer: DeployAnswer) => void>();
  private readonly pool: pg.Pool;

  private constructor(
    private readonly url: string,
    private readonly hub: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.pool = createPool(url, { max: 2, applicationName: 'runtime-hub deploy channel' });
  }

  static async open(url: string, hub: string, onError: (error: unknown) => void = () => undefined): Promise<PostgresDeployChannel> {
    const channel = new PostgresDeployChannel(url, hub, onError);
    await channel.listen();
    return channel;
  }

  /** A dedicated connection for LISTEN (a pooled one would drop the subscription when released). */
  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'runtime-hub deploy channel' });
    client.on('notification', (message) => this.receive(message.payload));
    client.on('error', (error) => {
      this.onError(error);
      this.listener = undefined;
      if (!this.closed) setTimeout(() => void this.listen().catch(this.onError), 1_000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    if (this.closed) await client.end();
    else this.listener = client;
  }

  private receive(payload: string | undefined): void {
    let message: Message;
    try {
      message = JSON.parse(payload ?? '') as Message;
    } catch {
      return;
    }
    if (message.kind === 'answer') {
      if (message.to === this.hub) this.waiting.get(message.id)?.(message.answer);
    } else if (message.kind === 'ask' && message.to === this.hub && this.handler) {
      const { id, from, command } = message;
      void this.handler(command, from)
        .catch((error: unknown) => ({ hub: this.hub, error: { code: 'INTERNAL' as const, message: (error as Error).message } }))
        .then((answer) => this.send({ kind: 'answer', id, to: from, answer: cut(answer) }))
        .catch(this.onError);
    }
  }

  private async send(message: Message): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(message)]);
  }

  async ask(to: string, command: DeployCommand, signal: AbortSignal): Promise<DeployAnswer> {
    const id = randomBytes(8).toString('hex');
    return new Promise<DeployAnswer>((resolve, reject) => {
      const done = () => {
        this.waiting.delete(id);
        signal.removeEventListener('abort', aborted);
      };
      const aborted = () => {
        done();
        reject(signal.reason instanceof Error ? signal.reason : new Error('the ask was abandoned'));
      };
      if (signal.aborted) return aborted();
      signal.addEventListener('abort', aborted, { once: true });
      this.waiting.set(id, (answer) => {
        done();
        resolve(answer);
      });
      this.send({ kind: 'ask', id, from: this.hub, to, command }).catch((error: unknown) => {
        done();
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  serve(handler: (command: DeployCommand, from: string) => Promise<DeployAnswer>): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    await this.pool.end();
  }
}

function cut(answer: DeployAnswer): DeployAnswer {
  const check = answer.check ? { ...answer.check, error: answer.check.error?.slice(0, MAX_MESSAGE) ?? null } : answer.check;
  const error = answer.error ? { ...answer.error, message: answer.error.message.slice(0, MAX_MESSAGE) } : undefined;
  return { ...answer, check, error };
}
