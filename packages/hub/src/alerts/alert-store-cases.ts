import { describe, expect, it } from 'vitest';
import type { AlertStore } from './alert-store.js';
import type { AlertRule } from './rules.js';

const rule = (id: string, createdAt: number): AlertRule => ({
  id, name: `rule ${id}`, enabled: true, condition: { type: 'error_rate', thresholdPct: 5, windowMinutes: 10, minCalls: 10 },
  webhookUrl: null, email: [], silencedUntil: null, createdAt, updatedAt: createdAt,
});

const firing = (ruleId: string, key: string, at: number) => ({ ruleId, ruleName: `rule ${ruleId}`, key, title: 'error rate 9 %', value: 0.09, labels: { service: 'api' }, startedAt: at, seenAt: at });

/**
 * The cases every AlertStore passes (SQLite: sqlite-alert-store.ts, PostgreSQL: postgres-alert-store.ts).
 * `open` gives a store on an empty database; `openTwo`, when given, two stores on the same one (hubs).
 */
export function runAlertStoreConformance(name: string, open: () => Promise<AlertStore>): void {
  describe(`AlertStore conformance: ${name}`, { timeout: 60_000 }, () => {
    async function withStore(fn: (store: AlertStore) => Promise<void>): Promise<void> {
      const store = await open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    }

    it('keeps rules, replaces them, and deletes one with its open alerts closed silently', () =>
      withStore(async (store) => {
        await store.putRule(rule('b', 2));
        await store.putRule(rule('a', 1));
        await store.putRule({ ...rule('b', 2), name: 'renamed' });
        expect((await store.rules()).map((r) => [r.id, r.name])).toEqual([['a', 'rule a'], ['b', 'renamed']]);
        expect((await store.rule('b'))?.condition).toEqual(rule('b', 2).condition);
        await store.fire(firing('b', '', 10));
        expect(await store.deleteRule('b', 20)).toBe(true);
        expect(await store.deleteRule('b', 20)).toBe(false);
        expect(await store.rule('b')).toBeUndefined();
        expect(await store.countFiring()).toBe(0);
      }));

    it('records a transition once: a second fire of a firing (rule, key) and a second resolve answer undefined', () =>
      withStore(async (store) => {
        const alert = await store.fire(firing('r', 'k', 100));
        expect(alert).toMatchObject({ ruleId: 'r', key: 'k', state: 'firing', labels: { service: 'api' }, value: 0.09, startedAt: 100 });
        expect(await store.fire(firing('r', 'k', 101))).toBeUndefined();
        expect(await store.fire(firing('r', 'other', 101))).toBeDefined();
        expect(await store.countFiring()).toBe(2);
        expect((await store.openAlert('r', 'k'))?.id).toBe(alert!.id);
        await store.touch(alert!.id, 0.2, 150);
        expect(await store.alert(alert!.id)).toMatchObject({ value: 0.2, seenAt: 150 });
        expect(await store.resolve(alert!.id, 200)).toMatchObject({ state: 'resolved', resolvedAt: 200 });
        expect(await store.resolve(alert!.id, 201)).toBeUndefined();
        expect(await store.openAlert('r', 'k')).toBeUndefined();
        // Once resolved, the same (rule, key) may fire again: a new alert.
        expect((await store.fire(firing('r', 'k', 300)))!.id).not.toBe(alert!.id);
        expect((await store.openAlerts('r')).map((a) => a.key).sort()).toEqual(['k', 'other']);
        expect((await store.alerts('resolved', 10)).map((a) => a.id)).toEqual([alert!.id]);
        expect(await store.alerts(undefined, 10)).toHaveLength(3);
        const acknowledged = await store.acknowledge(alert!.id, 400);
        expect(acknowledged?.alert.acknowledgedAt).toBe(400);
        expect(acknowledged?.first).toBe(true);
        expect(await store.acknowledge(alert!.id, 500)).toMatchObject({ first: false, alert: { acknowledgedAt: 400 } });
        expect(await store.acknowledge(999_999, 500)).toBeUndefined();
      }));

    it('lists the history after an id (oldest first) or the newest, per alert when asked', () =>
      withStore(async (store) => {
        const ids = [];
        for (const [alertId, type] of [[1, 'fired'], [2, 'fired'], [1, 'resolved']] as const) {
          ids.push((await store.addEvent({ alertId, ruleId: 'r', type, at: 10, title: 't', notified: ['webhook'] })).id);
        }
        expect((await store.events(undefined, 2)).map((e) => e.id)).toEqual(ids.slice(1));
        expect((await store.events(ids[0], 10)).map((e) => e.type)).toEqual(['fired', 'resolved']);
        expect((await store.events(undefined, 10, 1)).map((e) => e.type)).toEqual(['fired', 'resolved']);
        expect((await store.events(ids[0], 10, 1)).map((e) => [e.type, e.notified])).toEqual([['resolved', ['webhook']]]);
      }));

    it('remembers error groups and answers which were new', () =>
      withStore(async (store) => {
        expect(await store.hasSeenErrorGroups()).toBe(false);
        expect(await store.markErrorGroups(['g1', 'g2'], 1)).toEqual(['g1', 'g2']);
        expect(await store.markErrorGroups(['g2', 'g3'], 2)).toEqual(['g3']);
        expect(await store.hasSeenErrorGroups()).toBe(true);
      }));
  });
}
