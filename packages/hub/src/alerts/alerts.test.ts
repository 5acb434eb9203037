import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';
import { emitDeploymentHealth, type DeploymentHealthEvent } from '../deploy/health-events.js';

/** Every rule is driven with real spans through a real hub; notifications go to a local webhook and SMTP server. */
let hub: TestHub;
let webhook: Server;
let smtp: SMTPServer;
let webhookUrl: string;
let offsetMs = 0;
const hooks: { path: string; body: { text: string; attachments: { color: string; title: string }[] } }[] = [];
const mails: string[] = [];

beforeAll(async () => {
  webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      hooks.push({ path: request.url ?? '', body: JSON.parse(body) as (typeof hooks)[number]['body'] });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}`;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        mails.push(data);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  hub = await startTestHub({ alerts: { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, evaluateEveryMs: 100, now: () => Date.now() + offsetMs } });
}, 60_000);

afterAll(async () => {
  await hub?.close();
  webhook?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

async function waitFor(what: string, check: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Lets several evaluations run: a second notification would arrive in this time. */
const severalTicks = () => new Promise((resolve) => setTimeout(resolve, 1500));

async function createRule(name: string, condition: Record<string, unknown>, email = true): Promise<{ id: string; webhook: string }> {
  const response = await fetch(`${hub.url}/api/v1/alerts/rules`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, condition, webhookUrl: `${webhookUrl}/hook/${name}`, email: email ? [`oncall+${name}@example.com`] : [] }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { rule: { id: string; webhook: string } }).rule;
}

const hooksOf = (name: string) => hooks.filter((h) => h.path === `/hook/${name}`);
const mailsOf = (name: string) => mails.filter((m) => m.includes(`oncall+${name}@example.com`));

/** Fired once, then nothing more while the condition holds. */
async function expectFiredOnce(name: string, withMail = true): Promise<void> {
  await waitFor(`${name} to fire`, () => hooksOf(name).length >= 1 && (!withMail || mailsOf(name).length >= 1));
  await severalTicks();
  expect(hooksOf(name).map((h) => h.body.text.split(':')[0])).toEqual(['FIRING']);
  expect(hooksOf(name)[0]!.body.attachments[0]!.color).toBe('#d1242f');
  if (withMail) {
    expect(mailsOf(name)).toHaveLength(1);
    expect(mailsOf(name)[0]).toContain(`Subject: [runtime-hub] FIRING: ${name}`);
  }
}

/** Resolved once after firing once, then nothing more. */
async function expectResolvedOnce(name: string, withMail = true): Promise<void> {
  await waitFor(`${name} to resolve`, () => hooksOf(name).length >= 2 && (!withMail || mailsOf(name).length >= 2));
  await severalTicks();
  expect(hooksOf(name).map((h) => h.body.text.split(':')[0])).toEqual(['FIRING', 'RESOLVED']);
  if (withMail) expect(mailsOf(name)[1]).toContain(`Subject: [runtime-hub] RESOLVED: ${name}`);
}

const ok = (response: Response) => expect(response.status).toBe(200);

// Generous timeouts: eight engineers share two cores; nothing here asserts timing.
describe('alert rules driven by real spans', { timeout: 180_000 }, () => {
  it('error rate over a threshold fires once and resolves once when the rate drops', async () => {
    await createRule('shop-errors', { type: 'error_rate', service: 'shop', thresholdPct: 20, windowMinutes: 5, minCalls: 5 });
    ok(await postSpans(hub.url, Array.from({ length: 10 }, (_, i) => spanRecord({ service: 'shop', name: 'checkout', status: i < 5 ? 'error' : 'ok' }))));
    await expectFiredOnce('shop-errors');
    expect(hooksOf('shop-errors')[0]!.body.text).toContain('error rate 50.0 % (5 of 10 calls)');
    ok(await postSpans(hub.url, Array.from({ length: 90 }, () => spanRecord({ service: 'shop', name: 'checkout' }))));
    await expectResolvedOnce('shop-errors');
  });

  it('p95 latency over a threshold fires once and resolves once', async () => {
    await createRule('search-slow', { type: 'latency_p95', service: 'search', thresholdMs: 500, windowMinutes: 5, minCalls: 5 });
    const slow = Array.from({ length: 10 }, () => {
      const start = Date.now() - 2000;
      return spanRecord({ service: 'search', name: 'query', startTime: start, endTime: start + 1000 });
    });
    ok(await postSpans(hub.url, slow));
    await expectFiredOnce('search-slow');
    ok(await postSpans(hub.url, Array.from({ length: 300 }, () => spanRecord({ service: 'search', name: 'query' }))));
    await expectResolvedOnce('search-slow');
  });

  it('a failing workflow run fires once; the next successful run resolves it', async () => {
    await createRule('nightly', { type: 'workflow_failed', project: 'etl', workflow: 'nightly-import' }, false);
    // Shaped as the engine writes a run's span (packages/engine/src/run/spans.ts, runSpan).
    const run = (status: 'ok' | 'error', runId: string) =>
      spanRecord({
        service: 'etl', name: 'nightly-import', kind: 'workflow', status, sessionId: runId, input: { type: 'cron' },
        attributes: { 'workflow.project': 'etl', 'workflow.id': 'nightly-import', 'workflow.version': 3, 'workflow.run.id': runId, 'workflow.run.status': status === 'ok' ? 'succeeded' : 'failed', 'workflow.trigger': 'cron' },
        ...(status === 'error' ? { error: { type: 'HTTP_STATUS', message: 'GET /export answered 503' } } : {}),
      });
    ok(await postSpans(hub.url, [run('error', 'run_1')]));
    await expectFiredOnce('nightly', false);
    expect(hooksOf('nightly')[0]!.body.text).toContain('run run_1 of etl › nightly-import failed: GET /export answered 503');
    ok(await postSpans(hub.url, [run('error', 'run_2')])); // still failing: no second notification
    ok(await postSpans(hub.url, [run('ok', 'run_3')]));
    await expectResolvedOnce('nightly', false);
  });

  it('a deployment going down fires once; coming back up resolves it', async () => {
    await createRule('api-prod-down', { type: 'deployment_down', deployment: 'shop/prod' }, false);
    // What the deployments feature emits after each /health check (deploy/health-monitor.ts).
    const check = (target: string, status: DeploymentHealthEvent['status'], error: string | null): DeploymentHealthEvent => ({
      project: 'shop', target, deployment: 'd_12', url: 'http://127.0.0.1:9/health', status, previous: null, changed: true, at: Date.now(), responseMs: null, error,
    });
    emitDeploymentHealth(hub.hub.ctx, check('prod', 'down', 'health check answered 502'));
    emitDeploymentHealth(hub.hub.ctx, check('prod', 'down', 'health check answered 502'));
    emitDeploymentHealth(hub.hub.ctx, check('staging', 'down', 'connection refused'));
    await expectFiredOnce('api-prod-down', false);
    expect(hooksOf('api-prod-down')[0]!.body.text).toContain('deployment shop/prod is down: health check answered 502');
    emitDeploymentHealth(hub.hub.ctx, check('prod', 'degraded', null)); // slow but answering: up
    await expectResolvedOnce('api-prod-down', false);
  });

  it('a new error group fires once and resolves once it has been quiet', async () => {
    await createRule('billing-new-errors', { type: 'new_error_group', service: 'billing', quietMinutes: 10 });
    const failure = () =>
      spanRecord({
        service: 'billing', name: 'charge', status: 'error',
        error: { type: 'CardDeclined', message: `card declined ${hexId(16)}`.slice(0, 13), stack: 'CardDeclined: card declined\n    at charge (/srv/billing/pay.js:42:11)\n    at main (/srv/billing/index.js:7:3)' },
      });
    ok(await postSpans(hub.url, [failure()]));
    await expectFiredOnce('billing-new-errors');
    ok(await postSpans(hub.url, [failure(), failure()])); // the same group again: not new
    await severalTicks();
    expect(hooksOf('billing-new-errors')).toHaveLength(1);
    offsetMs += 11 * 60_000;
    await expectResolvedOnce('billing-new-errors');
  });

  it('LLM cost over the hourly budget fires once and resolves once the hour has passed', async () => {
    await createRule('bot-budget', { type: 'cost_per_hour', service: 'bot', budgetUsd: 0.01 });
    const now = Date.now() + offsetMs;
    ok(
      await postSpans(hub.url, [
        spanRecord({
          service: 'bot', name: 'chat', kind: 'llm', startTime: now, endTime: now + 800,
          attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 100_000, 'gen_ai.usage.output_tokens': 1000 },
        }),
      ]),
    );
    await expectFiredOnce('bot-budget');
    offsetMs += 61 * 60_000;
    await expectResolvedOnce('bot-budget');
  });
});

describe('silence, acknowledge, history, secrets', { timeout: 180_000 }, () => {
  it('a silenced rule records transitions without notifying; acknowledging is kept in the history', async () => {
    const rule = await createRule('quiet-deploy', { type: 'deployment_down', deployment: 'quiet' }, false);
    ok(await fetch(`${hub.url}/api/v1/alerts/rules/${rule.id}/silence`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minutes: 60 }) }));
    emitDeploymentHealth(hub.hub.ctx, { project: 'quiet', target: 'local', deployment: 'd_1', url: null, status: 'down', previous: 'healthy', changed: true, at: Date.now(), responseMs: null, error: 'connection refused' });
    // The event is evaluated after whatever the engine is doing at the moment (a tick): wait for its alert.
    let alert: { id: number; ruleId: string } | undefined;
    for (const deadline = Date.now() + 90_000; !alert && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const firing = (await (await fetch(`${hub.url}/api/v1/alerts?state=firing`)).json()) as { alerts: { id: number; ruleId: string }[] };
      alert = firing.alerts.find((a) => a.ruleId === rule.id);
    }
    if (!alert) throw new Error('timed out waiting for the silenced rule to fire');
    ok(await fetch(`${hub.url}/api/v1/alerts/${alert.id}/acknowledge`, { method: 'POST' }));
    const events = (await (await fetch(`${hub.url}/api/v1/alerts/events?alertId=${alert.id}`)).json()) as { events: { type: string; notified: string[] }[] };
    expect(events.events.map((e) => [e.type, e.notified])).toEqual([['fired', ['silenced']], ['acknowledged', []]]);
    await severalTicks();
    expect(hooksOf('quiet-deploy')).toHaveLength(0);
  });

  it('never echoes a webhook URL whole and answers bad rules with a clear 400', async () => {
    const rules = (await (await fetch(`${hub.url}/api/v1/alerts/rules`)).json()) as { rules: { webhook: string }[] };
    expect(rules.rules.length).toBeGreaterThan(0);
    for (const rule of rules.rules) expect(rule.webhook).toBe(`${webhookUrl}/…`);
    const bad = await fetch(`${hub.url}/api/v1/alerts/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', condition: { type: 'error_rate', thresholdPct: 150, windowMinutes: 5 } }),
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INVALID_BODY');
    expect(body.error.message).toContain('thresholdPct');
    const missing = await fetch(`${hub.url}/api/v1/alerts/rules/0123456789abcdef`, { method: 'DELETE' });
    expect(missing.status).toBe(404);
  });
});
