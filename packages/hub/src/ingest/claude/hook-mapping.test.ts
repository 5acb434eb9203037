import { describe, expect, it } from 'vitest';
import { validateSpanRecords, type SpanRecordInput } from '@runtime-hub/protocol';
import { anchorRecord, applyKnown, type KnownSpan } from './anchor.js';
import { readHookEvent, type HookEvent } from './hook-event.js';
import { mapHookEvent, type SessionState } from './hook-mapping.js';
import { claudeIds } from './ids.js';

// Payload shapes as Claude Code sends them (hooks reference; fields seen in real runs).
const SID = '8c35adc1-5f1e-4b53-9a0e-2d6c1f3b7e11';
const common = {
  session_id: SID,
  transcript_path: `/home/dev/.claude/projects/-home-dev-shop/${SID}.jsonl`,
  cwd: '/home/dev/shop',
  permission_mode: 'default',
};
const ev = (fields: Record<string, unknown>): HookEvent => ({ ...common, ...fields }) as HookEvent;

const sessionStart = ev({ hook_event_name: 'SessionStart', source: 'startup', model: 'claude-sonnet-4-5-20250929' });
const prompt = ev({ hook_event_name: 'UserPromptSubmit', prompt: 'Add a hello.txt with "hi"' });
const preWrite = ev({
  hook_event_name: 'PreToolUse',
  tool_name: 'Write',
  tool_input: { file_path: '/home/dev/shop/hello.txt', content: 'hi' },
  tool_use_id: 'toolu_01DUm4pXbQ8Vt1Xy9fZ3kLqA',
});
const postWrite = ev({
  hook_event_name: 'PostToolUse',
  tool_name: 'Write',
  tool_input: { file_path: '/home/dev/shop/hello.txt', content: 'hi' },
  tool_response: { type: 'create', filePath: '/home/dev/shop/hello.txt', content: 'hi', structuredPatch: [], originalFile: null },
  tool_use_id: 'toolu_01DUm4pXbQ8Vt1Xy9fZ3kLqA',
});
const bashFailure = ev({
  hook_event_name: 'PostToolUseFailure',
  tool_name: 'Bash',
  tool_input: { command: 'npm test', description: 'Run the tests' },
  tool_use_id: 'toolu_01BashFails00000000000000',
  error: 'Exit code 1\nnpm ERR! Test failed.',
  is_interrupt: false,
});
const preTask = ev({
  hook_event_name: 'PreToolUse',
  tool_name: 'Task',
  tool_input: { description: 'Find the config loader', prompt: 'Where is config loaded?', subagent_type: 'Explore' },
  tool_use_id: 'toolu_01TaskTaskTaskTaskTaskTa',
});
const subagentStart = ev({ hook_event_name: 'SubagentStart', agent_id: 'a4c7249', agent_type: 'Explore' });
const subagentGrep = ev({
  hook_event_name: 'PreToolUse',
  agent_id: 'a4c7249',
  agent_type: 'Explore',
  tool_name: 'Grep',
  tool_input: { pattern: 'loadConfig', path: '/home/dev/shop' },
  tool_use_id: 'toolu_01GrepInsideSubagent0000',
});
const subagentStop = ev({
  hook_event_name: 'SubagentStop',
  stop_hook_active: false,
  agent_id: 'a4c7249',
  agent_type: 'Explore',
  agent_transcript_path: `/home/dev/.claude/projects/-home-dev-shop/${SID}/subagents/agent-a4c7249.jsonl`,
  last_assistant_message: 'Config is loaded in src/config.ts',
});
const notification = ev({ hook_event_name: 'Notification', message: 'Claude needs your permission to use Bash', notification_type: 'permission_prompt' });
const stop = ev({ hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'Done: hello.txt created.' });
const preCompact = ev({ hook_event_name: 'PreCompact', trigger: 'manual', custom_instructions: '' });
const sessionEnd = ev({ hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' });

/** Runs events through the mapping with state carried over, like the hub does. */
function run(events: HookEvent[], start = 1_700_000_000_000, state?: SessionState) {
  const out: { event: HookEvent; records: SpanRecordInput[]; relinked: string[] }[] = [];
  events.forEach((event, i) => {
    const mapped = mapHookEvent(event, start + i * 1000, state);
    state = mapped.state;
    out.push({ event, records: mapped.records, relinked: mapped.relinked });
  });
  return { out, state: state!, all: out.flatMap((o) => o.records) };
}

/** Folds records into spans with the store's merge rule (an end record wins) after anchoring. */
function fold(records: SpanRecordInput[]): Map<string, KnownSpan & { record: SpanRecordInput }> {
  const spans = new Map<string, KnownSpan & { record: SpanRecordInput }>();
  for (const record of records) {
    const known = spans.get(record.spanId);
    const anchored = anchorRecord(record, known);
    const ended = anchored.endTime != null;
    const merged = ended || !known?.endTime ? { ...known?.record, ...anchored } : { ...anchored, ...known.record };
    spans.set(record.spanId, { ...applyKnown(anchored, known), record: merged });
  }
  return spans;
}

describe('mapHookEvent', () => {
  it('produces only records the hub accepts', () => {
    const { all } = run([sessionStart, prompt, preWrite, postWrite, bashFailure, preTask, subagentStart, subagentGrep, subagentStop, notification, stop, preCompact, sessionEnd]);
    const { rejected } = validateSpanRecords(all);
    expect(rejected).toEqual([]);
    expect(new Set(all.map((r) => r.traceId))).toEqual(new Set([claudeIds.trace(SID)]));
    expect(all.every((r) => r.sessionId === SID && r.service === 'claude-code')).toBe(true);
  });

  it('SessionStart opens the session root span; SessionEnd closes it', () => {
    const { out } = run([sessionStart, sessionEnd]);
    const [start] = out[0]!.records;
    expect(start).toMatchObject({ spanId: claudeIds.session(SID), parentSpanId: null, kind: 'agent', name: 'claude-code: shop' });
    expect(start!.endTime).toBeUndefined();
    expect(start!.input).toEqual({ source: 'startup', model: 'claude-sonnet-4-5-20250929', cwd: common.cwd, transcript_path: common.transcript_path, permission_mode: 'default' });
    const end = out[1]!.records.at(-1)!;
    expect(end).toMatchObject({ spanId: claudeIds.session(SID), status: 'ok', endTime: 1_700_000_001_000, output: { reason: 'prompt_input_exit' } });
  });

  it('ensures the session span when the first event seen is not SessionStart (hooks installed mid-session)', () => {
    const { out } = run([preWrite]);
    expect(out[0]!.records.map((r) => r.spanId)).toEqual([claudeIds.session(SID), claudeIds.tool(SID, 'toolu_01DUm4pXbQ8Vt1Xy9fZ3kLqA')]);
  });

  it('UserPromptSubmit starts a turn under the session, Stop ends it with the last message', () => {
    const { out } = run([sessionStart, prompt, stop]);
    const turn = out[1]!.records[0]!;
    expect(turn).toMatchObject({ parentSpanId: claudeIds.session(SID), kind: 'agent', name: 'turn: Add a hello.txt with "hi"', input: { prompt: 'Add a hello.txt with "hi"' } });
    expect(turn.endTime).toBeUndefined();
    const [hook, end] = out[2]!.records;
    expect(hook).toMatchObject({ kind: 'hook', name: 'Stop', parentSpanId: turn.spanId, input: stop });
    expect(end).toMatchObject({ spanId: turn.spanId, startTime: turn.startTime, endTime: 1_700_000_002_000, status: 'ok', output: 'Done: hello.txt created.' });
  });

  it('a new prompt without a Stop ends the previous turn', () => {
    const second = ev({ hook_event_name: 'UserPromptSubmit', prompt: 'and now bye.txt' });
    const { out } = run([sessionStart, prompt, second]);
    const firstTurn = out[1]!.records[0]!;
    const [closed, opened] = out[2]!.records;
    expect(closed).toMatchObject({ spanId: firstTurn.spanId, endTime: 1_700_000_002_000 });
    expect(opened!.spanId).not.toBe(firstTurn.spanId);
    expect(opened!.endTime).toBeUndefined();
  });

  it('PreToolUse and PostToolUse pair by tool_use_id into one tool span, even from separate processes', () => {
    const { out } = run([sessionStart, prompt, preWrite]);
    const pre = out[2]!.records[0]!;
    expect(pre).toMatchObject({ kind: 'tool', name: 'Write', parentSpanId: out[1]!.records[0]!.spanId, input: preWrite.tool_input });
    expect(pre.endTime).toBeUndefined();
    expect(pre.attributes).toMatchObject({ 'gen_ai.tool.name': 'Write', 'gen_ai.tool.call.id': preWrite.tool_use_id, 'gen_ai.operation.name': 'execute_tool' });
    // A separate `runtime-hub hook` process has no state: the id must still match.
    const post = mapHookEvent(postWrite, 1_700_000_009_000, undefined).records.find((r) => r.kind === 'tool')!;
    expect(post.spanId).toBe(pre.spanId);
    expect(post).toMatchObject({ endTime: 1_700_000_009_000, status: 'ok', output: postWrite.tool_response });
    const span = fold([...out.flatMap((o) => o.records), post]).get(pre.spanId)!;
    expect(span).toMatchObject({ startTime: pre.startTime, endTime: 1_700_000_009_000, status: 'ok', name: 'Write' });
    expect(span.parentSpanId).toBe(pre.parentSpanId);
  });

  it('PostToolUseFailure ends the tool span with an error; interrupts are told apart', () => {
    const [failure] = run([bashFailure]).out[0]!.records.filter((r) => r.kind === 'tool');
    expect(failure).toMatchObject({ status: 'error', error: { type: 'ToolError', message: 'Exit code 1\nnpm ERR! Test failed.' }, name: 'Bash' });
    const interrupted = mapHookEvent(ev({ ...bashFailure, is_interrupt: true, error: 'Interrupted by user' }), 1, undefined).records.find((r) => r.kind === 'tool');
    expect(interrupted!.error).toEqual({ type: 'Interrupted', message: 'Interrupted by user' });
  });

  it('nests a subagent under the Task call that started it, and its tools under the subagent', () => {
    const { out, state } = run([sessionStart, prompt, preTask, subagentStart, subagentGrep, subagentStop]);
    const task = out[2]!.records[0]!;
    const agent = out[3]!.records[0]!;
    expect(agent).toMatchObject({ spanId: claudeIds.agent(SID, 'a4c7249'), parentSpanId: task.spanId, kind: 'agent', name: 'subagent: Explore' });
    expect(agent.attributes).toMatchObject({ 'gen_ai.agent.id': 'a4c7249', 'gen_ai.agent.name': 'Explore' });
    const grep = out[4]!.records[0]!;
    expect(grep).toMatchObject({ name: 'Grep', parentSpanId: agent.spanId });
    const stopped = out[5]!.records[0]!;
    expect(stopped).toMatchObject({ spanId: agent.spanId, status: 'ok', output: 'Config is loaded in src/config.ts' });
    expect(stopped.attributes).toMatchObject({ 'claude_code.agent_transcript_path': subagentStop.agent_transcript_path });
    expect(state.agents).toEqual([]);
    expect(state.taskTools).toEqual([]);
  });

  it('without agent_id on tool events (older versions), tools during the only running subagent nest in it', () => {
    const { agent_id: _a, agent_type: _t, ...unmarked } = subagentGrep;
    const { out } = run([sessionStart, prompt, preTask, subagentStart, unmarked as HookEvent]);
    expect(out[4]!.records[0]!.parentSpanId).toBe(claudeIds.agent(SID, 'a4c7249'));
    // Once a version marks subagent events, an unmarked event is the main agent's.
    const { out: marked } = run([sessionStart, prompt, preTask, subagentStart, subagentGrep, unmarked as HookEvent]);
    expect(marked[5]!.records[0]!.parentSpanId).toBe(marked[1]!.records[0]!.spanId);
  });

  it('a tool event from an unseen subagent creates its agent span first', () => {
    const { out } = run([sessionStart, prompt, subagentGrep]);
    const [agent, grep] = out[2]!.records;
    expect(agent).toMatchObject({ spanId: claudeIds.agent(SID, 'a4c7249'), kind: 'agent', parentSpanId: out[1]!.records[0]!.spanId });
    expect(grep!.parentSpanId).toBe(agent!.spanId);
  });

  it('uses prompt_id, when present, to find the turn without any state', () => {
    const withPrompt = (e: HookEvent) => ({ ...e, prompt_id: 'p-42' }) as HookEvent;
    const turn = run([withPrompt(prompt)]).out[0]!.records.find((r) => r.name.startsWith('turn'))!;
    expect(turn.spanId).toBe(claudeIds.turn(SID, 'prompt:p-42'));
    const tool = mapHookEvent(withPrompt(preWrite), 5, undefined).records.find((r) => r.kind === 'tool')!;
    expect(tool.parentSpanId).toBe(turn.spanId);
  });

  it('keeps Notification, PreCompact and unknown events as zero-length hook spans with the full payload', () => {
    const future = ev({ hook_event_name: 'TeammateIdle', teammate: 'reviewer', extra: { nested: [1, 2] } });
    const { out } = run([sessionStart, prompt, notification, preCompact, future]);
    for (const [i, event] of [[2, notification], [3, preCompact], [4, future]] as const) {
      const [hook] = out[i]!.records;
      expect(hook).toMatchObject({ kind: 'hook', name: event.hook_event_name, parentSpanId: out[1]!.records[0]!.spanId, status: 'ok', input: event });
      expect(hook!.endTime).toBe(hook!.startTime);
      expect(hook!.attributes!['claude_code.hook_event_name']).toBe(event.hook_event_name);
    }
    expect(out[2]!.records[0]!.attributes!['claude_code.notification_type']).toBe('permission_prompt');
  });

  it('gives the same hook span id to the same event delivered twice', () => {
    const a = mapHookEvent(notification, 42, undefined).records.at(-1)!;
    const b = mapHookEvent(notification, 42, undefined).records.at(-1)!;
    const c = mapHookEvent(notification, 43, undefined).records.at(-1)!;
    expect(a.spanId).toBe(b.spanId);
    expect(c.spanId).not.toBe(a.spanId);
  });

  it('SessionEnd closes the open turn and subagents', () => {
    const { out } = run([sessionStart, prompt, preTask, subagentStart, sessionEnd]);
    const ended = out[4]!.records.map((r) => r.spanId);
    expect(ended).toEqual([out[1]!.records[0]!.spanId, claudeIds.agent(SID, 'a4c7249'), claudeIds.session(SID)]);
    expect(out[4]!.records.every((r) => r.endTime === 1_700_000_004_000)).toBe(true);
  });

  it('pairs Pre and Post by tool name and input when tool_use_id is missing (old versions)', () => {
    const { tool_use_id: _p, ...pre } = preWrite;
    const { tool_use_id: _q, ...post } = postWrite;
    const a = mapHookEvent(pre as HookEvent, 1, undefined).records.at(-1)!;
    const b = mapHookEvent(post as HookEvent, 2, undefined).records.at(-1)!;
    expect(a.spanId).toBe(b.spanId);
  });

  it('truncates huge tool responses so the record stays far below the record limit', () => {
    const big = ev({ ...postWrite, tool_response: { file: { content: 'x'.repeat(5_000_000) } } });
    const record = mapHookEvent(big, 1, undefined).records.at(-1)!;
    expect(JSON.stringify(record).length).toBeLessThan(100_000);
    expect(validateSpanRecords([record]).rejected).toEqual([]);
  });
});

describe('mapHookEvent, less common shapes', () => {
  it('StopFailure ends the turn with an error', () => {
    const failure = ev({ hook_event_name: 'StopFailure', error: 'rate_limit_error: 429' });
    const { out } = run([sessionStart, prompt, failure]);
    const end = out[2]!.records.find((r) => r.spanId === out[1]!.records[0]!.spanId)!;
    expect(end).toMatchObject({ status: 'error', error: { type: 'StopFailure', message: 'rate_limit_error: 429' } });
  });

  it('links parallel Task calls to their subagents by the agent id in each result, not by start order', () => {
    const task = (n: number) => ev({ ...preTask, tool_use_id: `toolu_task_${n}` });
    const start = (id: string) => ev({ hook_event_name: 'SubagentStart', agent_id: id, agent_type: 'Explore' });
    const done = (n: number, agentId: string) => ev({ ...preTask, hook_event_name: 'PostToolUse', tool_use_id: `toolu_task_${n}`, tool_response: { status: 'completed', agentId, content: [{ type: 'text', text: 'ok' }] } });
    // The second call's subagent starts first.
    const { out } = run([sessionStart, prompt, task(1), task(2), start('bbb2222'), start('aaa1111'), done(2, 'bbb2222'), done(1, 'aaa1111')]);
    const turn = out[1]!.records[0]!.spanId;
    expect(out[4]!.records[0]!.parentSpanId).toBe(turn); // two calls open: not guessed
    expect(out[5]!.records[0]!.parentSpanId).toBe(turn);
    const relink = (o: (typeof out)[number], agentId: string) => o.records.find((r) => r.spanId === claudeIds.agent(SID, agentId))!;
    expect(relink(out[6]!, 'bbb2222')).toMatchObject({ parentSpanId: claudeIds.tool(SID, 'toolu_task_2'), kind: 'agent', status: 'ok' });
    expect(out[6]!.relinked).toEqual([claudeIds.agent(SID, 'bbb2222')]);
    expect(relink(out[7]!, 'aaa1111')).toMatchObject({ parentSpanId: claudeIds.tool(SID, 'toolu_task_1') });
  });

  it('SubagentStop without agent_id (older versions) ends the oldest running subagent, or is kept as a hook span', () => {
    const { agent_id: _a, agent_type: _t, agent_transcript_path: _p, ...bare } = subagentStop;
    const { out } = run([sessionStart, prompt, preTask, subagentStart, bare as HookEvent, bare as HookEvent]);
    expect(out[4]!.records[0]).toMatchObject({ spanId: claudeIds.agent(SID, 'a4c7249'), status: 'ok' });
    expect(out[5]!.records[0]).toMatchObject({ kind: 'hook', name: 'SubagentStop' });
  });

  it('a subagent tool call pairs its Pre and Post and stays in the subagent', () => {
    const post = ev({ ...subagentGrep, hook_event_name: 'PostToolUse', tool_response: { mode: 'files_with_matches', filenames: ['src/config.ts'] } });
    const { out } = run([sessionStart, prompt, preTask, subagentStart, subagentGrep, post]);
    expect(out[5]!.records[0]).toMatchObject({ spanId: out[4]!.records[0]!.spanId, parentSpanId: claudeIds.agent(SID, 'a4c7249'), status: 'ok' });
  });
});

describe('readHookEvent', () => {
  it('requires hook_event_name and session_id and checks the id fields it uses', () => {
    expect(readHookEvent([])).toEqual({ ok: false, message: 'a hook event must be a JSON object' });
    expect(readHookEvent({ session_id: 's' })).toEqual({ ok: false, message: 'hook_event_name: must be a non-empty string' });
    expect(readHookEvent({ hook_event_name: 'Stop', session_id: 7 })).toEqual({ ok: false, message: 'session_id: must be a non-empty string' });
    expect(readHookEvent({ hook_event_name: 'Stop', session_id: 'x'.repeat(300) })).toMatchObject({ ok: false });
    expect(readHookEvent({ hook_event_name: 'PreToolUse', session_id: 's', tool_use_id: 5 })).toEqual({ ok: false, message: 'tool_use_id: must be a string' });
    expect(readHookEvent({ hook_event_name: 'Anything', session_id: 's', extra: { a: 1 } })).toMatchObject({ ok: true });
  });
});

describe('anchorRecord', () => {
  const known: KnownSpan = { name: 'turn: fix it', startTime: 100, endTime: null, status: 'unset', parentSpanId: 'aaaaaaaaaaaaaaaa' };
  const base = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), service: 'claude-code', kind: 'agent' as const };

  it('keeps the stored start, name and parent for an end record', () => {
    const out = anchorRecord({ ...base, name: 'turn', parentSpanId: 'cccccccccccccccc', startTime: 500, endTime: 500, status: 'ok' }, known);
    expect(out).toMatchObject({ name: 'turn: fix it', startTime: 100, endTime: 500, parentSpanId: 'aaaaaaaaaaaaaaaa', status: 'ok' });
  });

  it('turns a start that arrives after its end into a completion', () => {
    const ended: KnownSpan = { ...known, startTime: 500, endTime: 500, status: 'error' };
    const out = anchorRecord({ ...base, name: 'x', startTime: 100 }, ended);
    expect(out).toMatchObject({ startTime: 100, endTime: 500, status: 'error' });
  });

  it('leaves records of unknown spans alone', () => {
    const record = { ...base, name: 'x', startTime: 1 };
    expect(anchorRecord(record, undefined)).toBe(record);
  });
});
