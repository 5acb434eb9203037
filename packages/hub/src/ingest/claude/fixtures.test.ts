import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mapLines, type Line } from '../jsonl/line-mapper.js';
import { copyTranscripts, FIXTURES, renderTree, TRANSCRIPT_TREES, type FixtureName, type TreeSpan } from './fixtures/fixtures.js';
import { claudeIds } from './ids.js';

// The real-shaped fixtures (fixtures/README.md) mapped exactly as the watcher maps them, file by
// file, and folded with the store's rule (an end record wins). The same trees are checked end to
// end, through both watch paths and with hooks, in fixtures.e2e.test.ts.

const root = mkdtempSync(join(tmpdir(), 'rh-claude-fx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith('.jsonl') ? [path] : [];
    });
}

function mapFixture(name: FixtureName, order: 'main first' | 'subagents first' = 'main first'): Map<string, TreeSpan> {
  const dir = join(root, `${name}-${order.replace(' ', '-')}`);
  copyTranscripts(name, dir);
  const all = files(dir);
  const ordered = order === 'main first' ? all : [...all].reverse();
  const spans = new Map<string, TreeSpan>();
  for (const file of ordered) {
    let offset = 0;
    const lines: Line[] = readFileSync(file, 'utf8').split('\n').slice(0, -1).map((text, i) => {
      const line = { text, line: i + 1, offset, end: offset + Buffer.byteLength(text) + 1 };
      offset = line.end;
      return line;
    });
    const mapped = mapLines(file, {}, lines);
    expect(mapped.problems).toEqual([]);
    for (const { record } of mapped.records) {
      const r = record as TreeSpan;
      const old = spans.get(r.spanId);
      if (!old) spans.set(r.spanId, r);
      else if (r.endTime != null || old.endTime == null) spans.set(r.spanId, { ...old, ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)), parentSpanId: r.parentSpanId ?? old.parentSpanId });
      else spans.set(r.spanId, { ...r, ...old });
    }
  }
  return spans;
}

const at = (iso: string) => Date.parse(iso);

describe('real-shaped Claude Code transcripts', () => {
  for (const name of Object.keys(FIXTURES) as FixtureName[]) {
    it(`${name}: the expected tree, span by span, whichever file is read first`, () => {
      expect(renderTree([...mapFixture(name).values()])).toEqual(TRANSCRIPT_TREES[name]);
      expect(renderTree([...mapFixture(name, 'subagents first').values()])).toEqual(TRANSCRIPT_TREES[name]);
    });
  }

  it('2.1.39: the compaction file is a compaction span of its session, ended at its summary; never a root of its own', () => {
    const sid = FIXTURES.compaction.sessionId;
    const spans = mapFixture('compaction', 'subagents first');
    const compaction = spans.get(claudeIds.agent(sid, 'acompact-e1f845'))!;
    // From the summarization request (not the copied meta lines before it) to the summary.
    expect(compaction).toMatchObject({ kind: 'internal', name: 'compaction', parentSpanId: claudeIds.session(sid), startTime: at('2026-02-12T20:29:04.537Z'), endTime: at('2026-02-12T20:30:28.082Z'), status: 'ok' });
    expect([...spans.values()].filter((s) => !s.parentSpanId).map((s) => s.name)).toEqual(['claude-code: spotter-dov']);
    expect([...spans.values()].some((s) => s.name.includes('acompact'))).toBe(false);
    // The session ends with its last line; every span has ended.
    expect(spans.get(claudeIds.session(sid))).toMatchObject({ startTime: at('2026-02-12T16:02:25.284Z'), endTime: at('2026-02-12T20:30:41.377Z') });
    expect([...spans.values()].filter((s) => s.endTime == null)).toEqual([]);
  });

  it('turns carry the prompt as input and the last answer as output, and end at their last event', () => {
    const sid = FIXTURES.compaction.sessionId;
    const spans = [...mapFixture('compaction').values()];
    const first = spans.find((s) => s.name.startsWith('turn: Work on bead'))!;
    expect(first).toMatchObject({
      input: { prompt: 'Work on bead spotter-dov. Run bd show spotter-dov to see the issue details and bd ready to find available subtasks. Start with the first ready task.' },
      output: 'spotter-dov.1 is done: the shared transcript component is in place. [… trimmed …]',
      startTime: at('2026-02-12T16:02:25.284Z'),
      endTime: at('2026-02-12T16:05:02.114Z'), // 2.1 writes stop_reason null: the last answer ends it
    });
    // The compaction summary (isCompactSummary) is not a prompt: the turn goes on to its answer.
    const second = spans.find((s) => s.name === 'turn: continue')!;
    expect(second).toMatchObject({ endTime: at('2026-02-12T20:30:41.377Z'), output: expect.stringContaining('expand_control_for/2') as unknown });
    expect(spans.filter((s) => s.name.startsWith('turn')).map((s) => s.spanId)).toEqual([first.spanId, second.spanId]);
    expect(first.parentSpanId).toBe(claudeIds.session(sid));
  });

  it('2.1.72: parallel Task calls get their own subagents (agent id in the result), stop_hook_summary ends the turn, non-prompts start none', () => {
    const sid = FIXTURES.parallel.sessionId;
    const spans = mapFixture('parallel');
    expect(spans.get(claudeIds.agent(sid, 'a7c19e2f4b3d5a60e'))!.parentSpanId).toBe(claudeIds.tool(sid, 'toolu_01TaskPatterns0000000001'));
    expect(spans.get(claudeIds.agent(sid, 'a3eaf63159a07953f'))!.parentSpanId).toBe(claudeIds.tool(sid, 'toolu_01TaskScoring00000000002'));
    expect(spans.get(claudeIds.tool(sid, 'toolu_01GrepPatterns00000000004'))!.parentSpanId).toBe(claudeIds.agent(sid, 'a7c19e2f4b3d5a60e'));
    const turns = [...spans.values()].filter((s) => s.name.startsWith('turn'));
    // The caveat (meta), /context with its local output and the task notification are no turns.
    expect(turns.map((t) => t.name)).toEqual(['turn: Audit the stop hook for false positives: check the trigger patterns and the scor', 'turn: yes, fix them and run the tests']);
    expect(turns[0]).toMatchObject({ endTime: at('2026-03-11T15:51:02.587Z'), status: 'ok' });
    // The notification's answer belongs to the turn that started the background task.
    expect(turns[1]).toMatchObject({ endTime: at('2026-03-11T15:52:24.000Z'), output: 'Fixed all three; npm test passes (412 tests).' });
  });

  it('2.1.72: while a Task call runs, its agent_progress line opens the subagent span under it', () => {
    const sid = FIXTURES.parallel.sessionId;
    const dir = join(root, 'parallel-live');
    copyTranscripts('parallel', dir);
    const main = files(dir).find((f) => f.endsWith(`${sid}.jsonl`))!;
    const text = readFileSync(main, 'utf8');
    const upTo = text.split('\n').findIndex((l) => l.includes('agent_progress')) + 1;
    let offset = 0;
    const lines = text.split('\n').slice(0, upTo).map((t, i) => {
      const line = { text: t, line: i + 1, offset, end: offset + Buffer.byteLength(t) + 1 };
      offset = line.end;
      return line;
    });
    const records = mapLines(main, {}, lines).records.map((r) => r.record as TreeSpan);
    const agent = records.find((r) => r.spanId === claudeIds.agent(sid, 'a7c19e2f4b3d5a60e'))!;
    expect(agent).toMatchObject({ kind: 'agent', name: 'subagent: Explore', parentSpanId: claudeIds.tool(sid, 'toolu_01TaskPatterns0000000001') });
    expect(agent.endTime).toBeUndefined();
    // Meanwhile the turn is running: it waits for its tool calls.
    expect(records.filter((r) => r.name.startsWith('turn')).every((r) => r.endTime === undefined)).toBe(true);
  });

  it('1.0.98: the inline sidechain nests under its Task call; the interrupted turn ends at the interruption', () => {
    const sid = FIXTURES.sidechain.sessionId;
    const spans = [...mapFixture('sidechain').values()];
    const agent = spans.find((s) => s.name === 'subagent: general-purpose')!;
    expect(agent.parentSpanId).toBe(claudeIds.tool(sid, 'toolu_01V1TaskKeySchedule00001'));
    expect(spans.find((s) => s.name === 'turn: now add a unit test for it')).toMatchObject({ endTime: at('2025-08-24T18:21:00.010Z'), status: 'ok' });
  });
});
