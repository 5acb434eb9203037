import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HubError } from '@runtime-hub/protocol';
import type { AlertEngine } from './alert-engine.js';
import type { AlertStore } from './alert-store.js';
import { presentRule, RuleInput, type AlertRule } from './rules.js';

const RuleParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'must be a rule id') });
const AlertParams = z.object({ id: z.coerce.number().int().positive() });
const SilenceBody = z.object({ minutes: z.number().int().min(0).max(43_200) }).strict();
const AlertsQuery = z.object({ state: z.enum(['firing', 'resolved']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
const EventsQuery = z.object({
  after: z.coerce.number().int().min(0).optional(),
  alertId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * /api/v1/alerts/…: rules (create, replace, delete, silence), alerts (list, acknowledge) and the
 * event history the dashboard's in-app list and browser notifications poll.
 */
export function registerAlertRoutes(root: FastifyInstance, store: AlertStore, engine: AlertEngine, now: () => number): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['alerts'];
  const ruleOr404 = async (id: string): Promise<AlertRule> => {
    const rule = await store.rule(id);
    if (!rule) throw new HubError('NOT_FOUND', `no alert rule with id ${id}`);
    return rule;
  };
  const save = async (rule: AlertRule) => {
    await store.putRule(rule);
    await engine.reload();
    return { rule: presentRule(rule) };
  };

  app.get('/api/v1/alerts/rules', { schema: { tags, summary: 'Alert rules' } }, async () => ({ rules: (await store.rules()).map(presentRule) }));

  app.post('/api/v1/alerts/rules', { schema: { tags, summary: 'Create an alert rule', body: RuleInput } }, async (request, reply) => {
    const at = now();
    const { webhookUrl, ...input } = request.body;
    const rule: AlertRule = { ...input, webhookUrl: webhookUrl ?? null, id: randomBytes(8).toString('hex'), silencedUntil: null, createdAt: at, updatedAt: at };
    return reply.status(201).send(await save(rule));
  });

  app.put('/api/v1/alerts/rules/:id', { schema: { tags, summary: 'Replace an alert rule (an omitted webhookUrl keeps the stored one)', params: RuleParams, body: RuleInput } }, async (request) => {
    const current = await ruleOr404(request.params.id);
    const { webhookUrl, ...input } = request.body;
    return save({ ...current, ...input, webhookUrl: webhookUrl === undefined ? current.webhookUrl : webhookUrl, updatedAt: now() });
  });

  app.delete('/api/v1/alerts/rules/:id', { schema: { tags, summary: 'Delete an alert rule', params: RuleParams } }, async (request, reply) => {
    if (!(await store.deleteRule(request.params.id, now()))) throw new HubError('NOT_FOUND', `no alert rule with id ${request.params.id}`);
    await engine.reload();
    return reply.status(204).send();
  });

  app.post('/api/v1/alerts/rules/:id/silence', { schema: { tags, summary: 'Hold back notifications of a rule for some minutes (0 ends the silence)', params: RuleParams, body: SilenceBody } }, async (request) => {
    const rule = await ruleOr404(request.params.id);
    return save({ ...rule, silencedUntil: request.body.minutes === 0 ? null : now() + request.body.minutes * 60_000, updatedAt: now() });
  });

  app.get('/api/v1/alerts', { schema: { tags, summary: 'Alerts, newest first', querystring: AlertsQuery } }, async (request) => ({
    alerts: await store.alerts(request.query.state, request.query.limit),
    firing: await store.countFiring(),
  }));

  app.post('/api/v1/alerts/:id/acknowledge', { schema: { tags, summary: 'Acknowledge an alert', params: AlertParams } }, async (request) => {
    const acknowledged = await store.acknowledge(request.params.id, now());
    if (!acknowledged) throw new HubError('NOT_FOUND', `no alert with id ${request.params.id}`);
    const { alert, first } = acknowledged;
    // Once in the history, even when two people (on two hubs) acknowledge at the same moment.
    if (first) await store.addEvent({ alertId: alert.id, ruleId: alert.ruleId, type: 'acknowledged', at: alert.acknowledgedAt!, title: alert.title, notified: [] });
    return { alert };
  });

  app.get('/api/v1/alerts/events', { schema: { tags, summary: 'Alert history: fired, resolved, acknowledged (after an id, oldest first; else the newest)', querystring: EventsQuery } }, async (request) => ({
    events: await store.events(request.query.after, request.query.limit, request.query.alertId),
  }));
}
