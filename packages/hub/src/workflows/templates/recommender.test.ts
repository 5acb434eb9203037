import { describe, expect, it } from 'vitest';
import { TEMPLATES } from './index.js';
import { recommend, scoreTemplate, words } from './recommender.js';
import type { WorkflowTemplate } from './template-types.js';

const byId = (id: string) => TEMPLATES.find((t) => t.id === id)!;
const ids = (list: { template: WorkflowTemplate }[]) => list.map((r) => r.template.id);

describe('template recommender', () => {
  it('reads words without stop words and plurals', () => {
    expect(words('Send the follow-up EMAILS after 2 days')).toEqual(['send', 'follow', 'up', 'email', 'day']);
  });

  it('ranks by what the user typed, tags over names over descriptions, and says why', () => {
    const top = recommend(TEMPLATES, { text: 'send a follow-up email to a lead' });
    expect(top[0]!.template.id).toBe('lead-sequence');
    expect(top[0]!.reasons.map((r) => r.text)).toEqual(expect.arrayContaining(['matches “email” (tag)', 'matches “lead” (tag)']));
    const tagOnly = scoreTemplate(byId('health-check-alert'), { text: 'uptime' });
    const descriptionOnly = scoreTemplate(byId('health-check-alert'), { text: 'twice' });
    expect(tagOnly.score).toBe(3);
    expect(descriptionOnly.score).toBe(1);
  });

  it('leaves out templates that match none of the typed words', () => {
    const list = recommend(TEMPLATES, { text: 'github' }, 20);
    expect(ids(list)).toEqual(['github-event-router']);
    expect(recommend(TEMPLATES, { text: 'zzzz nothing' })).toEqual([]);
  });

  it('prefers templates whose secrets the project already has, and says it is ready to run', () => {
    const without = scoreTemplate(byId('webhook-to-chat'), { secrets: [] });
    const withSecret = scoreTemplate(byId('webhook-to-chat'), { secrets: ['CHAT_WEBHOOK_URL'] });
    expect(withSecret.score - without.score).toBe(2.5);
    expect(withSecret.reasons.map((r) => r.text)).toEqual(['CHAT_WEBHOOK_URL already set in the project', 'ready to run: everything it needs is set']);
  });

  it('adds half a point per familiar node type, at most three', () => {
    const r = scoreTemplate(byId('fan-out-merge'), { nodeTypes: ['http', 'merge', 'set', 'email'] });
    expect(r.reasons[0]).toEqual({ text: 'uses http, merge, set like your workflows', points: 1.5 });
  });

  it('ranks down what the project does not allow', () => {
    const r = scoreTemplate(byId('disk-usage-shell'), { settings: { allowShell: false } });
    expect(r.reasons).toContainEqual({ text: 'needs shell nodes, which this project does not allow', points: -1 });
    expect(scoreTemplate(byId('disk-usage-shell'), { settings: { allowShell: true } }).reasons.some((x) => x.points < 0)).toBe(false);
  });

  it('uses local success rates (from 5 runs on) and use counts', () => {
    const good = scoreTemplate(byId('retrying-poller'), { stats: { 'retrying-poller': { uses: 3, runs: 100, succeeded: 95 } } });
    expect(good.reasons).toEqual([
      { text: 'ready to run: everything it needs is set', points: 1.5 },
      { text: '95 % of 100 runs succeeded here', points: 1.8 },
      { text: 'used 3 times on this hub', points: 2 },
    ]);
    const bad = scoreTemplate(byId('retrying-poller'), { stats: { 'retrying-poller': { uses: 1, runs: 10, succeeded: 2 } } });
    expect(bad.reasons).toContainEqual({ text: '20 % of 10 runs succeeded here', points: -1.2 });
    const few = scoreTemplate(byId('retrying-poller'), { stats: { 'retrying-poller': { uses: 1, runs: 4, succeeded: 0 } } });
    expect(few.reasons.some((r) => r.text.includes('runs succeeded'))).toBe(false);
    const ranked = recommend([byId('retrying-poller'), byId('http-fallback')], { text: 'http', stats: { 'retrying-poller': { uses: 0, runs: 50, succeeded: 5 } } });
    expect(ids(ranked)).toEqual(['http-fallback', 'retrying-poller']);
  });

  it('offers at least 15 templates, each with category, tags, description and needs', () => {
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
    for (const t of TEMPLATES) {
      expect(t.tags.length, t.id).toBeGreaterThan(1);
      expect(t.description.length, t.id).toBeGreaterThan(40);
      expect(t.workflow.nodes.every((n) => n.position), t.id).toBe(true);
    }
  });
});
