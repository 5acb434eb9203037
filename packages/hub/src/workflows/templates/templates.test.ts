import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmTestServer, type LlmTestServer } from '@runtime-hub/engine/testing';
import { startTestHub, type TestHub } from '../../testing/test-hub.js';
import { apiClient, eventually } from '../testing.js';
import { TEMPLATES } from './index.js';

/**
 * Every template, created through the API the gallery uses and run against services on this
 * machine: the hub itself (health, projects, errors), a real SMTP server without TLS (like a
 * local Mailpit), a local OpenAI-compatible server, and a small HTTP service standing in for a chat
 * webhook, a CRM ("replied?") and an approval store.
 */
let hub: TestHub;
let api: ReturnType<typeof apiClient>;
let llm: LlmTestServer;
let smtp: SMTPServer;
let smtpPort: number;
const mails: string[] = [];
const chat: unknown[] = [];
const service = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/chat')) {
      chat.push(JSON.parse(body));
      res.end('{"ok":true}');
    } else if (req.url?.startsWith('/crm')) res.end('{"replied":false}');
    else if (req.url?.startsWith('/decision')) res.end('{"approved":true}');
    else res.writeHead(404).end('{}');
  });
});
let serviceUrl: string;

beforeAll(async () => {
  llm = await startLlmTestServer();
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'mailer' }),
    onData(stream, _session, callback) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString()));
      stream.on('end', () => {
        mails.push(data);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  hub = await startTestHub();
  api = apiClient(hub.url);
}, 30_000);
afterAll(async () => {
  await hub.close();
  await llm.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => service.close(() => resolve()));
});

/** What each need is set to here: local services only. */
function localValues(): { secrets: Record<string, string>; env: Record<string, string> } {
  return {
    secrets: { SMTP_PASSWORD: 'local-pass', ALERT_WEBHOOK_URL: `${serviceUrl}/chat`, CHAT_WEBHOOK_URL: `${serviceUrl}/chat`, APPROVAL_WEBHOOK_URL: `${serviceUrl}/chat`, LLM_API_KEY: 'local-key' },
    env: {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtpPort),
      SMTP_USER: 'mailer',
      MAIL_FROM: 'hub@example.test',
      MAIL_TO: 'me@example.test',
      LLM_BASE_URL: llm.openaiBaseUrl,
      LLM_MODEL: 'test-model',
      LEAD_STATUS_URL: `${serviceUrl}/crm`,
      DECISION_URL: `${serviceUrl}/decision`,
    },
  };
}

/** Runs the created workflow the way its trigger would, and waits for the finished run. */
async function runIt(project: string, template: (typeof TEMPLATES)[number], workflowId: string) {
  const input = JSON.parse(JSON.stringify(template.sampleInput ?? {}).replaceAll('{hub}', hub.url));
  const { workflow } = template;
  if (workflow.visibility === 'public' && workflow.endpoint) {
    const path = workflow.endpoint.path.replace(/:(\w+)/g, '42');
    const answer = await api(workflow.endpoint.method, `/w/${project}${path}`, workflow.endpoint.method === 'GET' ? undefined : input);
    expect(answer.status, `${template.id}: ${answer.text}`).toBeLessThan(300);
    const runId = answer.headers.get('x-runtime-hub-run-id');
    return eventually(async () => {
      const { body } = await api('GET', `/api/v1/runs/${runId}`);
      return ['succeeded', 'failed'].includes(body.run?.status) ? body.run : undefined;
    }, 30_000, template.id);
  }
  const started = await api('POST', `/api/v1/projects/${project}/workflows/${workflowId}/runs?wait=true&timeoutMs=30000`, input);
  expect(started.status, started.text).toBe(201);
  return (await api('GET', `/api/v1/runs/${started.body.runId}`)).body.run;
}

describe('every template', () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))('%s: is created from the gallery API and runs against local services', async (id, template) => {
    const project = `t-${id}`.slice(0, 60);
    expect((await api('POST', '/api/v1/projects', { id: project, name: template.name })).status).toBe(201);
    const { secrets, env } = localValues();
    const needed = {
      secrets: Object.fromEntries(template.needs.secrets.map((s) => [s.name, secrets[s.name]!])),
      env: Object.fromEntries(template.needs.env.filter((e) => env[e.name] !== undefined).map((e) => [e.name, env[e.name]!])),
      allowShell: template.needs.allowShell,
      allowCode: template.needs.allowCode,
    };
    const created = await api('POST', `/api/v1/projects/${project}/templates/${id}`, needed);
    expect(created.status, created.text).toBe(201);
    const run = await runIt(project, template, created.body.workflow.id);
    expect(run.status, `${id}: ${JSON.stringify(run.error)}`).toBe('succeeded');
    const text = JSON.stringify(run.output);
    for (const value of Object.values(needed.secrets)) expect(text).not.toContain(value);
  }, 60_000);

  it('sent the mails and chat messages the templates promise', () => {
    expect(mails.some((m) => m.includes('Subject: Nice to meet you, Ada'))).toBe(true);
    expect(mails.some((m) => m.includes('Subject: Following up, Ada'))).toBe(true);
    expect(chat.length).toBeGreaterThanOrEqual(2);
  });

  it('asks for what a template needs before writing anything', async () => {
    await api('POST', '/api/v1/projects', { id: 'needs', name: 'Needs' });
    const refused = await api('POST', '/api/v1/projects/needs/templates/disk-usage-shell', {});
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'TEMPLATE_NEEDS', details: { missing: ['setting allowShell'] } });
    const chatTemplate = await api('POST', '/api/v1/projects/needs/templates/webhook-to-chat', {});
    expect(chatTemplate.body.error.details.missing).toEqual(['secret CHAT_WEBHOOK_URL']);
    expect((await api('GET', '/api/v1/projects/needs')).body.workflows).toEqual([]);
    expect((await api('POST', '/api/v1/projects/needs/templates/nope', {})).body.error.code).toBe('TEMPLATE_NOT_FOUND');
  });

  it('renames a second copy and its companions, and the recommender counts the uses', async () => {
    await api('POST', '/api/v1/projects', { id: 'twice', name: 'Twice' });
    await api('POST', '/api/v1/projects/twice/templates/scheduled-report', {});
    const second = await api('POST', '/api/v1/projects/twice/templates/scheduled-report', {});
    expect(second.status, second.text).toBe(201);
    expect(second.body.workflow.id).toBe('weekly-report-2');
    expect(second.body.companions).toEqual(['report-builder-2']);
    expect(second.body.workflow.nodes.find((n: { id: string }) => n.id === 'build').config.workflow).toBe('report-builder-2');
    const ranked = await api('GET', '/api/v1/templates/recommend?q=report&project=twice');
    const report = ranked.body.recommendations.find((r: { id: string }) => r.id === 'scheduled-report');
    expect(report.reasons.map((r: { text: string }) => r.text)).toContain('used 6 times on this hub') // 2 workflows each: the run-every-template test's copy and the two here;
  });

  it('lists and searches the gallery', async () => {
    const all = await api('GET', '/api/v1/templates');
    expect(all.body.templates.length).toBeGreaterThanOrEqual(15);
    const email = await api('GET', '/api/v1/templates?q=email&category=sales');
    expect(email.body.templates.map((t: { id: string }) => t.id)).toEqual(['lead-sequence']);
    expect((await api('GET', '/api/v1/templates?category=nope')).status).toBe(400);
  });
});
