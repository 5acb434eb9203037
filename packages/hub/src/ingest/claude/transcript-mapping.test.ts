import { describe, expect, it } from 'vitest';
import { validateSpanRecords, type SpanRecordInput } from '@runtime-hub/protocol';
import { claudeIds } from './ids.js';
import { isTranscriptLine, mapTranscriptLines, newTranscriptState, type MappedRecord, type TranscriptState } from './transcript-mapping.js';

// Lines shaped as Claude Code 2.x writes them (one line per content block, tool results as user
// messages with toolUseResult, subagents in agent-<id>.jsonl with isSidechain and agentId).
const SID = '07c9cd52-8d4f-4a3c-9f5e-2b1a0c9d8e7f';
const env = { sessionId: SID, cwd: '/home/dev/mtools', version: '2.1.29', gitBranch: 'main', userType: 'external' };
const at = (s: number) => new Date(Date.UTC(2026, 0, 3, 15, 44, s)).toISOString();
const t = (s: number) => Date.UTC(2026, 0, 3, 15, 44, s);
const usage = (output: number) => ({ input_tokens: 3, cache_creation_input_tokens: 857, cache_read_input_tokens: 36761, output_tokens: output, service_tier: 'standard' });
const assistant = (uuid: string, parentUuid: string, s: number, id: string, block: object, stop: string | null, out: number, extra: object = {}) => ({
  ...env, isSidechain: false, ...extra, type: 'assistant', uuid, parentUuid, timestamp: at(s), requestId: `req_${id}`,
  message: { model: 'claude-opus-4-5-20251101', id, type: 'message', role: 'assistant', content: [block], stop_reason: stop, stop_sequence: null, usage: usage(out) },
});
const result = (uuid: string, parentUuid: string, s: number, toolUseId: string, content: unknown, toolUseResult: object, extra: object = {}) => ({
  ...env, isSidechain: false, ...extra, type: 'user', uuid, parentUuid, timestamp: at(s),
  message: { role: 'user', content: [{ tool_use_id: toolUseId, type: 'tool_result', content }] }, toolUseResult,
});

const main = [
  { type: 'file-history-snapshot', messageId: 'u1', snapshot: { messageId: 'u1', trackedFileBackups: {}, timestamp: at(0) }, isSnapshotUpdate: false },
  { ...env, type: 'user', uuid: 'u1', parentUuid: null, isSidechain: false, isMeta: false, timestamp: at(0), permissionMode: 'default', message: { role: 'user', content: 'implement the backtest engine' } },
  assistant('a1', 'u1', 2, 'msg_01', { type: 'thinking', thinking: 'Read the spec first.', signature: 'EpMC' }, null, 1),
  assistant('a2', 'a1', 3, 'msg_01', { type: 'tool_use', id: 'toolu_read', name: 'Read', input: { file_path: '/home/dev/mtools/spec.md' } }, 'tool_use', 120),
  result('u2', 'a2', 4, 'toolu_read', '     1→# Spec\n', { type: 'text', file: { filePath: '/home/dev/mtools/spec.md', content: '# Spec\n', numLines: 1, startLine: 1, totalLines: 1 } }),
  assistant('a3', 'u2', 6, 'msg_02', { type: 'tool_use', id: 'toolu_task', name: 'Task', input: { description: 'Find engines', prompt: 'Find existing engine code', subagent_type: 'Explore' } }, 'tool_use', 80),
  result('u3', 'a3', 30, 'toolu_task', [{ type: 'text', text: 'Found engine/ (3 files)' }], { status: 'completed', prompt: 'Find existing engine code', agentId: 'a4c7249', content: [{ type: 'text', text: 'Found engine/ (3 files)' }], totalDurationMs: 23000, totalTokens: 5120, totalToolUseCount: 2 }),
  assistant('a4', 'u3', 33, 'msg_03', { type: 'text', text: 'Done: the engine is in engine/.' }, 'end_turn', 40),
  { ...env, type: 'system', subtype: 'turn_duration', uuid: 's1', parentUuid: 'a4', durationMs: 33500, isMeta: false, timestamp: at(34) },
  { type: 'summary', summary: 'Backtest engine', leafUuid: 'a4' },
];

const sub = { ...env, isSidechain: true, agentId: 'a4c7249' };
const subagentFile = [
  { ...sub, type: 'user', uuid: 'x1', parentUuid: null, timestamp: at(7), message: { role: 'user', content: 'Find existing engine code' } },
  assistant('x2', 'x1', 9, 'msg_s1', { type: 'tool_use', id: 'toolu_grep', name: 'Grep', input: { pattern: 'engine' } }, 'tool_use', 30, sub),
  result('x3', 'x2', 10, 'toolu_grep', 'engine/a.ts\nengine/b.ts', { mode: 'files_with_matches', filenames: ['engine/a.ts', 'engine/b.ts'], numFiles: 2 }, sub),
  assistant('x4', 'x3', 12, 'msg_s2', { type: 'text', text: 'Found engine/ (3 files)' }, 'end_turn', 12, sub),
];

const lines = (values: object[]) => values.map((value, i) => ({ value: value as Record<string, unknown>, line: i + 1 }));

/** The span each record id ends up as, folded with the store's rule: an end record wins. */
function fold(records: MappedRecord[]): Map<string, SpanRecordInput> {
  const spans = new Map<string, SpanRecordInput>();
  for (const { record } of records) {
    const old = spans.get(record.spanId);
    if (!old) spans.set(record.spanId, record);
    else if (record.endTime != null || old.endTime == null) spans.set(record.spanId, { ...old, ...dropUndefined(record), parentSpanId: record.parentSpanId ?? old.parentSpanId });
    else spans.set(record.spanId, { ...record, ...old });
  }
  return spans;
}
const dropUndefined = (r: SpanRecordInput) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));

describe('Claude Code transcript mapping', () => {
  const { records, problems, state } = mapTranscriptLines(newTranscriptState(), lines(main));
  const spans = fold(records);
  const llm1 = spans.get(claudeIds.llm(SID, 'msg_01'))!;
  const read = spans.get(claudeIds.tool(SID, 'toolu_read'))!;
  const turn = spans.get(llm1.parentSpanId!)!;

  it('produces records the hub accepts, and no problems for a well-formed file', () => {
    expect(problems).toEqual([]);
    expect(validateSpanRecords(records.map((r) => r.record)).rejected).toEqual([]);
    expect(records.every((r) => r.record.traceId === claudeIds.trace(SID) && r.record.sessionId === SID)).toBe(true);
  });

  it('the session span covers the first to the last line', () => {
    expect(spans.get(claudeIds.session(SID))).toMatchObject({ parentSpanId: null, kind: 'agent', name: 'claude-code: mtools', startTime: t(0), endTime: t(34) });
  });

  it('a prompt opens a turn that ends with the turn', () => {
    expect(turn).toMatchObject({ name: 'turn: implement the backtest engine', parentSpanId: claudeIds.session(SID), startTime: t(0), endTime: t(34), status: 'ok' });
  });

  it('folds the lines of one message into one llm span with model and tokens', () => {
    expect(records.filter((r) => r.record.spanId === llm1.spanId)).toHaveLength(1);
    expect(llm1).toMatchObject({ kind: 'llm', name: 'chat claude-opus-4-5-20251101', startTime: t(0), endTime: t(3), status: 'ok' });
    expect(llm1.output).toEqual([
      { type: 'thinking', thinking: 'Read the spec first.' },
      { type: 'tool_use', id: 'toolu_read', name: 'Read', input: { file_path: '/home/dev/mtools/spec.md' } },
    ]);
    expect(llm1.input).toEqual({ messages: [{ role: 'user', content: 'implement the backtest engine' }] });
    expect(llm1.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-opus-4-5-20251101',
      'gen_ai.response.id': 'msg_01',
      'gen_ai.usage.input_tokens': 3 + 857 + 36761,
      'gen_ai.usage.output_tokens': 120,
      'gen_ai.usage.cache_read.input_tokens': 36761,
      'gen_ai.usage.cache_creation.input_tokens': 857,
      'gen_ai.response.finish_reasons': ['tool_use'],
    });
  });

  it('a tool_use and its tool_result make one tool span under the turn (where hooks put it too)', () => {
    expect(read).toMatchObject({ kind: 'tool', name: 'Read', parentSpanId: turn.spanId, startTime: t(3), endTime: t(4), status: 'ok', input: { file_path: '/home/dev/mtools/spec.md' }, output: '     1→# Spec\n' });
    const next = spans.get(claudeIds.llm(SID, 'msg_02'))!;
    expect(next).toMatchObject({ startTime: t(4), parentSpanId: turn.spanId });
    expect(next.input).toEqual({ tool_results: [{ tool_use_id: 'toolu_read', content: '     1→# Spec\n' }] });
  });

  it("places the subagent under the Task call that ran it (toolUseResult.agentId)", () => {
    const agent = spans.get(claudeIds.agent(SID, 'a4c7249'))!;
    expect(agent).toMatchObject({ kind: 'agent', name: 'subagent: Explore', parentSpanId: claudeIds.tool(SID, 'toolu_task'), startTime: t(6), endTime: t(30), status: 'ok' });
    expect(agent.attributes).toMatchObject({ 'gen_ai.agent.id': 'a4c7249', 'claude_code.total_tokens': 5120 });
  });

  it('nests the lines of a subagent file in its agent span', () => {
    const subSpans = fold(mapTranscriptLines(newTranscriptState(), lines(subagentFile)).records);
    const agentId = claudeIds.agent(SID, 'a4c7249');
    // The file alone does not know its Task call: it opens no span that could stand as a root.
    expect(subSpans.has(agentId)).toBe(false);
    expect([...subSpans.values()].filter((r) => !r.parentSpanId)).toEqual([]);
    expect(subSpans.get(claudeIds.llm(SID, 'msg_s1'))).toMatchObject({ parentSpanId: agentId, startTime: t(7), endTime: t(9) });
    expect(subSpans.get(claudeIds.tool(SID, 'toolu_grep'))).toMatchObject({ parentSpanId: agentId, endTime: t(10) });
    expect(subSpans.has(claudeIds.session(SID))).toBe(false);
    // Both files together: the Task call's result holds the link, so the tree is whole.
    const both = fold([...records, ...mapTranscriptLines(newTranscriptState(), lines(subagentFile)).records]);
    expect(both.get(agentId)).toMatchObject({ parentSpanId: claudeIds.tool(SID, 'toolu_task'), endTime: t(30) });
  });

  it('resumes from a persisted state as if the file had been read in one go', () => {
    for (let cut = 1; cut < main.length; cut++) {
      const first = mapTranscriptLines(newTranscriptState(), lines(main).slice(0, cut));
      const persisted = JSON.parse(JSON.stringify(first.state)) as TranscriptState;
      const second = mapTranscriptLines(persisted, lines(main).slice(cut));
      expect(fold([...first.records, ...second.records])).toEqual(spans);
    }
    expect(JSON.stringify(state).length).toBeLessThan(20_000);
  });

  it('keeps every block of a message even when each line carries a stop_reason', () => {
    const lines2 = [
      main[1]!,
      assistant('c1', 'u1', 2, 'msg_multi', { type: 'text', text: 'Looking.' }, 'tool_use', 5),
      assistant('c2', 'c1', 2, 'msg_multi', { type: 'tool_use', id: 'toolu_m1', name: 'Glob', input: { pattern: '*.ts' } }, 'tool_use', 9),
    ];
    const s = fold(mapTranscriptLines(newTranscriptState(), lines(lines2)).records);
    expect(s.get(claudeIds.llm(SID, 'msg_multi'))!.output).toEqual([
      { type: 'text', text: 'Looking.' },
      { type: 'tool_use', id: 'toolu_m1', name: 'Glob', input: { pattern: '*.ts' } },
    ]);
  });

  it('marks failed tool calls and API errors', () => {
    const failed = [
      main[1]!,
      assistant('b1', 'u1', 2, 'msg_f', { type: 'tool_use', id: 'toolu_bash', name: 'Bash', input: { command: 'false' } }, 'tool_use', 5),
      { ...result('b2', 'b1', 3, 'toolu_bash', 'Exit code 1', { stdout: '', stderr: '', interrupted: false, isImage: false }), message: { role: 'user', content: [{ tool_use_id: 'toolu_bash', type: 'tool_result', content: 'Exit code 1', is_error: true }] } },
      { ...assistant('b3', 'b2', 4, 'msg_e', { type: 'text', text: 'API Error: 529 overloaded' }, 'stop_sequence', 0), isApiErrorMessage: true },
    ];
    const s = fold(mapTranscriptLines(newTranscriptState(), lines(failed)).records);
    expect(s.get(claudeIds.tool(SID, 'toolu_bash'))).toMatchObject({ status: 'error', error: { type: 'ToolError', message: 'Exit code 1' } });
    expect(s.get(claudeIds.llm(SID, 'msg_e'))).toMatchObject({ status: 'error', error: { type: 'ApiError', message: 'API Error: 529 overloaded' } });
  });

  it('nests inline sidechains of older files under the Task call with the same prompt', () => {
    const old = [
      main[1]!,
      assistant('a3', 'u1', 6, 'msg_02', { type: 'tool_use', id: 'toolu_task', name: 'Task', input: { description: 'd', prompt: 'Find existing engine code', subagent_type: 'general-purpose' } }, 'tool_use', 80),
      { ...env, type: 'user', uuid: 'y1', parentUuid: null, isSidechain: true, timestamp: at(7), message: { role: 'user', content: 'Find existing engine code' } },
      assistant('y2', 'y1', 9, 'msg_y', { type: 'text', text: 'engine/' }, 'end_turn', 3, { isSidechain: true }),
      result('u3', 'a3', 12, 'toolu_task', 'engine/', {}),
    ];
    const s = fold(mapTranscriptLines(newTranscriptState(), lines(old)).records);
    const agent = [...s.values()].find((r) => r.kind === 'agent' && r.name.startsWith('subagent'))!;
    expect(agent).toMatchObject({ parentSpanId: claudeIds.tool(SID, 'toolu_task'), name: 'subagent: general-purpose', endTime: t(12) });
    expect(s.get(claudeIds.llm(SID, 'msg_y'))!.parentSpanId).toBe(agent.spanId);
  });

  it('reports lines it cannot place, with their line numbers', () => {
    const { problems: bad } = mapTranscriptLines(newTranscriptState(), lines([{ ...main[1]!, timestamp: 'yesterday' }, { type: 'assistant', message: {} }]));
    expect(bad).toEqual([
      { line: 1, message: 'user line without a valid timestamp' },
      { line: 2, message: 'assistant line without sessionId' },
    ]);
  });

  it('recognizes transcript lines and nothing else', () => {
    expect(main.every((l) => isTranscriptLine(l as Record<string, unknown>))).toBe(true);
    expect(isTranscriptLine({ type: 'user', text: 'x' })).toBe(false);
    expect(isTranscriptLine({ traceId: 'a', spanId: 'b' })).toBe(false);
  });
});
