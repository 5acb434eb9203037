import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { PgListener } from '../store/postgres/listener.js';
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
  private listener: PgListener | undefined;
  private handler: ((command: DeployCommand, from: string) => Promise<DeployAnswer>) | undefined;
  private readonly waiting = new Map<string, (answer: DeployAnswer) => void>();
  private readonly pool: pg.Pool;

  private constructor(
    url: string,
    private readonly hub: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.pool = createPool(url, { max: 2, applicationName: 'runtime-hub deploy channel' });
  }

  static async open(url: string, hub: string, onError: (error: unknown) => void = () => undefined): Promise<PostgresDeployChannel> {
    const channel = new PostgresDeployChannel(url, hub, onError);
    try {
      channel.listener = await PgListener.open(url, { channel: CHANNEL, name: 'runtime-hub deploy channel', onNotification: (payload) => channel.receive(payload), onError });
    } catch (error) {
      await channel.close();
      throw error;
    }
    return channel;
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
    await this.listener?.close();
    await this.pool.end();
  }
}

function cut(answer: DeployAnswer): DeployAnswer {
  const check = answer.check ? { ...answer.check, error: answer.check.error?.slice(0, MAX_MESSAGE) ?? null } : answer.check;
  const error = answer.error ? { ...answer.error, message: answer.error.message.slice(0, MAX_MESSAGE) } : undefined;
  return { ...answer, check, error };
}
