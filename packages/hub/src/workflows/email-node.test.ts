import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/test-hub.js';
import { apiClient, eventually } from './testing.js';

/** A message as the real SMTP server received it. */
interface Received {
  from: string;
  to: string[];
  user?: string;
  secure: boolean;
  data: string;
}

const PASSWORD = 'smtp-pa55-word-XYZ-7781';

/** A real SMTP server (smtp-server) on a free port; STARTTLS with its built-in self-signed certificate. */
async function startSmtp(options: SMTPServerOptions) {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@refused.test')) callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          secure: session.secure,
          data,
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let hub: TestHub;
let api: ReturnType<typeof apiClient>;
let starttls: Awaited<ReturnType<typeof startSmtp>>;
let implicit: Awaited<ReturnType<typeof startSmtp>>;
let plain: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
  starttls = await startSmtp({});
  implicit = await startSmtp({ secure: true });
  plain = await startSmtp({ disabledCommands: ['STARTTLS'] });
  hub = await startTestHub();
  api = apiClient(hub.url);
  expect((await api('POST', '/api/v1/projects', { id: 'mail', name: 'Mail' })).status).toBe(201);
  expect((await api('PUT', '/api/v1/projects/mail/secrets/SMTP_PASSWORD', { value: PASSWORD })).status).toBeLessThan(300);
}, 30_000);
afterAll(async () => {
  await hub.close();
  await Promise.all([starttls.close(), implicit.close(), plain.close()]);
});

let counter = 0;
/** Saves a workflow with one email node and runs it; returns the finished run and its steps. */
async function sendWith(config: Record<string, unknown>, body: unknown = { name: 'Ada', email: 'ada@example.test' }) {
  const id = `send-${++counter}`;
  const saved = await api('POST', '/api/v1/projects/mail/workflows', {
    id,
    name: 'Send',
    nodes: [
      { id: 'start', type: 'trigger' },
      {
        id: 'mail',
        type: 'email',
        config: {
          host: '127.0.0.1',
          user: 'mailer',
          password: '{{ secrets.SMTP_PASSWORD }}',
          from: 'Sales <sales@example.test>',
          to: '{{ trigger.body.email }}',
          subject: 'Welcome, {{ trigger.body.name }}',
          text: 'Hello {{ trigger.body.name }}, thanks for signing up.',
          timeoutMs: 10_000,
          ...config,
        },
      },
    ],
    edges: [{ source: 'start', target: 'mail' }],
  });
  expect(saved.status, saved.text).toBe(201);
  const started = await api('POST', `/api/v1/projects/mail/workflows/${id}/runs`, body);
  expect(started.status).toBe(201);
  return eventually(async () => {
    const { body: run } = await api('GET', `/api/v1/runs/${started.body.runId}`);
    return ['succeeded', 'failed'].includes(run.run?.status) ? run : undefined;
  }, 20_000, 'the email run');
}

describe('email node', () => {
  it('sends over STARTTLS with a login from a secret; the server receives the message', async () => {
    const result = await sendWith({ port: starttls.port, tls: 'require-starttls', rejectUnauthorized: false, cc: 'boss@example.test', headers: { 'X-Campaign': 'spring' } });
    expect(result.run.status, JSON.stringify(result.run.error)).toBe('succeeded');
    expect(result.run.output).toMatchObject({ accepted: ['ada@example.test', 'boss@example.test'], rejected: [] });
    expect(result.run.output.response).toMatch(/^250/);
    const mail = starttls.received.at(-1)!;
    expect(mail).toMatchObject({ from: 'sales@example.test', to: ['ada@example.test', 'boss@example.test'], user: 'mailer', secure: true });
    expect(mail.data).toContain('Subject: Welcome, Ada');
    expect(mail.data).toContain('X-Campaign: spring');
    expect(mail.data).toContain('Hello Ada, thanks for signing up.');
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
  });

  it('speaks implicit TLS (port 465 style)', async () => {
    const result = await sendWith({ port: implicit.port, tls: 'implicit', rejectUnauthorized: false });
    expect(result.run.status, JSON.stringify(result.run.error)).toBe('succeeded');
    expect(implicit.received.at(-1)).toMatchObject({ to: ['ada@example.test'], secure: true });
  });

  it('verifies the certificate by default: a self-signed server fails with ETLS, not retried', async () => {
    const before = starttls.received.length;
    const result = await sendWith({ port: starttls.port, tls: 'require-starttls' });
    expect(result.run.status).toBe('failed');
    expect(result.run.error).toMatchObject({ code: 'ETLS', nodeId: 'mail' });
    expect(result.steps.filter((s: { nodeId: string }) => s.nodeId === 'mail')).toHaveLength(1);
    expect(starttls.received.length).toBe(before);
  });

  it('refuses to send without TLS when STARTTLS is required and the server does not offer it', async () => {
    const result = await sendWith({ port: plain.port, tls: 'require-starttls' });
    expect(result.run.status).toBe('failed');
    expect(result.run.error.code).toBe('ETLS');
    expect(plain.received).toHaveLength(0);
  });

  it('sends in plain text to a local relay with tls "none" and no login', async () => {
    const result = await sendWith({ port: plain.port, tls: 'none', user: '', password: '' });
    expect(result.run.status, JSON.stringify(result.run.error)).toBe('succeeded');
    expect(plain.received.at(-1)).toMatchObject({ secure: false, to: ['ada@example.test'] });
  });

  it('fails with EMAIL_AUTH on a wrong password and EMAIL_REJECTED on a refused recipient', async () => {
    const auth = await sendWith({ port: starttls.port, rejectUnauthorized: false, password: 'wrong-password' });
    expect(auth.run.error).toMatchObject({ code: 'EMAIL_AUTH', nodeId: 'mail' });
    const refused = await sendWith({ port: starttls.port, rejectUnauthorized: false }, { name: 'Bob', email: 'bob@refused.test' });
    expect(refused.run.error.code).toBe('EMAIL_REJECTED');
  });

  it('keeps a line break in an address from adding headers (CONFIG_INVALID)', async () => {
    const result = await sendWith({ port: starttls.port, rejectUnauthorized: false }, { name: 'Eve', email: 'eve@example.test\r\nBcc: all@example.test' });
    expect(result.run.error).toMatchObject({ code: 'CONFIG_INVALID', field: 'to' });
  });

  it('is listed by /api/v1/node-types with its TLS options', async () => {
    const { body } = await api('GET', '/api/v1/node-types');
    const email = body.nodeTypes.find((t: { type: string }) => t.type === 'email');
    expect(email.fields.find((f: { name: string }) => f.name === 'tls').options.map((o: { value: string }) => o.value)).toEqual(['starttls', 'require-starttls', 'implicit', 'none']);
  });
});
