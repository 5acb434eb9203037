import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlWatcher, type JsonlSink, type WatchEvent, type WatchOptions } from './watcher.js';

// Real files, real chokidar, and a sink that records what it was given (the hub is covered by
// the end-to-end tests).

let dir: string;
const watchers: JsonlWatcher[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rh-watch-'));
});
afterEach(async () => {
  for (const w of watchers.splice(0)) await w.close();
  rmSync(dir, { recursive: true, force: true });
});

const span = (id: number) => JSON.stringify({ traceId: 'a'.repeat(32), spanId: id.toString(16).padStart(16, '0'), service: 'svc', name: `op${id}`, startTime: 1_700_000_000_000 + id, endTime: 1_700_000_000_100 + id, status: 'ok' });
const lines = (...ids: number[]) => ids.map((id) => `${span(id)}\n`).join('');

function recorder() {
  const ids: string[] = [];
  const events: WatchEvent[] = [];
  const sink: JsonlSink = {
    async send(records) {
      for (const r of records) ids.push((r as { name: string }).name);
      return { accepted: records.length, rejected: [] };
    },
  };
  return { ids, events, sink, report: (e: WatchEvent) => events.push(e) };
}

async function start(rec: ReturnType<typeof recorder>, options: Partial<WatchOptions> = {}) {
  const watcher = new JsonlWatcher({ paths: [join(dir, 'logs')], offsetsFile: join(dir, 'offsets.json'), sink: rec.sink, report: rec.report, ...options });
  watchers.push(watcher);
  await watcher.start();
  return watcher;
}

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ops = (...ids: number[]) => ids.map((id) => `op${id}`);

describe('JsonlWatcher', () => {
  beforeEach(() => mkdirSync(join(dir, 'logs', 'nested'), { recursive: true }));

  it('reads existing files, then what is appended; a half-written line waits for its newline', async () => {
    const file = join(dir, 'logs', 'a.jsonl');
    writeFileSync(file, lines(1, 2) + span(3).slice(0, 40));
    writeFileSync(join(dir, 'logs', 'ignored.txt'), lines(99));
    const rec = recorder();
    const w = await start(rec);
    expect(rec.ids).toEqual(ops(1, 2));
    appendFileSync(file, span(3).slice(40));
    await new Promise((r) => setTimeout(r, 150));
    expect(rec.ids).toEqual(ops(1, 2));
    appendFileSync(file, `\n${lines(4)}`);
    await until(() => rec.ids.length === 4, 'the completed line');
    expect(rec.ids).toEqual(ops(1, 2, 3, 4));
    expect(w.stats).toMatchObject({ lines: 4, records: 4, accepted: 4, malformed: 0 });
  });

  it('picks up files that appear later, in new folders too', async () => {
    const rec = recorder();
    await start(rec);
    writeFileSync(join(dir, 'logs', 'nested', 'b.jsonl'), lines(1));
    mkdirSync(join(dir, 'logs', 'new', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'new', 'deeper', 'c.jsonl'), lines(2));
    await until(() => rec.ids.length === 2, 'both new files');
    expect(rec.ids.sort()).toEqual(ops(1, 2));
  });

  it('finds files no event announced (the watch on their folder lost), and their folders', async () => {
    const rec = recorder();
    const w = await start(rec);
    // What a lost event looks like from inside: chokidar stops reporting anything under logs/.
    await (w as unknown as { watcher: { unwatch(path: string): Promise<void> | void } }).watcher.unwatch(join(dir, 'logs'));
    mkdirSync(join(dir, 'logs', 'session', 'subagents'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'session', 'subagents', 'agent-1.jsonl'), lines(1));
    writeFileSync(join(dir, 'logs', 'nested', 'b.jsonl'), lines(2));
    mkdirSync(join(dir, 'logs', 'node_modules'), { recursive: true });
    writeFileSync(join(dir, 'logs', 'node_modules', 'dep.jsonl'), lines(3));
    await until(() => rec.ids.length >= 2, 'the unannounced files', 20_000);
    await new Promise((r) => setTimeout(r, 5_500)); // one more sweep: nothing read twice, node_modules skipped
    expect(rec.ids.sort()).toEqual(ops(1, 2));
  }, 30_000);

  it('resumes after a restart at the byte it reached: no duplicates, nothing skipped', async () => {
    const file = join(dir, 'logs', 'a.jsonl');
    writeFileSync(file, lines(1, 2));
    const first = recorder();
    const w = await start(first);
    await w.close();
    appendFileSync(file, lines(3) + span(4).slice(0, 10));
    const second = recorder();
    await start(second);
    expect(second.ids).toEqual(ops(3));
    appendFileSync(file, `${span(4).slice(10)}\n`);
    await until(() => second.ids.length === 2, 'the line finished after the restart');
    expect([...first.ids, ...second.ids]).toEqual(ops(1, 2, 3, 4));
  });

  it('starts over when a file is truncated', async () => {
    const file = join(dir, 'logs', 'a.jsonl');
    writeFileSync(file, lines(1, 2, 3));
    const rec = recorder();
    await start(rec);
    truncateSync(file, 0);
    appendFileSync(file, lines(4));
    await until(() => rec.ids.includes('op4'), 'the line after truncation');
    expect(rec.ids).toEqual(ops(1, 2, 3, 4));
    expect(rec.events).toContainEqual({ type: 'restart', file, reason: 'truncated' });
  });

  it('notices a file replaced by one of equal or greater size (different first bytes)', async () => {
    const file = join(dir, 'logs', 'a.jsonl');
    writeFileSync(file, lines(1));
    const rec = recorder();
    const w = await start(rec);
    await w.close();
    writeFileSync(`${file}.tmp`, lines(7, 8));
    renameSync(`${file}.tmp`, file);
    const again = recorder();
    await start(again);
    expect(again.ids).toEqual(ops(7, 8));
  });

  it('reads the rest of a rotated file before the new one', async () => {
    const file = join(dir, 'logs', 'app.jsonl');
    writeFileSync(file, lines(1));
    const rec = recorder();
    await start(rec);
    // Lines written just before rotation, then rotated away (to a name not watched) and a new file.
    appendFileSync(file, lines(2, 3));
    renameSync(file, join(dir, 'logs', 'app.jsonl.1'));
    writeFileSync(file, lines(4));
    await until(() => rec.ids.length >= 4, 'old tail and new file');
    await new Promise((r) => setTimeout(r, 200));
    expect(rec.ids).toEqual(ops(1, 2, 3, 4));
  });

  it('keeps the cursor of a file renamed to another watched name (no duplicates)', async () => {
    const file = join(dir, 'logs', 'app.jsonl');
    writeFileSync(file, lines(1, 2));
    const rec = recorder();
    const w = await start(rec);
    await w.close();
    // Rotated while the watcher was down: app.jsonl → app-2026.jsonl, then a new app.jsonl.
    appendFileSync(file, lines(3));
    renameSync(file, join(dir, 'logs', 'app-2026.jsonl'));
    writeFileSync(file, lines(4));
    const again = recorder();
    await start(again);
    expect(again.ids.sort()).toEqual(ops(3, 4));
  });

  it('reports malformed lines with file and line number, and goes on', async () => {
    const file = join(dir, 'logs', 'a.jsonl');
    writeFileSync(file, `${lines(1)}{not json\n\n[1,2]\n${JSON.stringify({ hello: 'world' })}\n${lines(2)}`);
    const rec = recorder();
    const w = await start(rec);
    expect(rec.ids).toEqual(ops(1, 2));
    const problems = rec.events.filter((e) => e.type === 'problem');
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      [file, 2],
      [file, 4],
      [file, 5],
    ]);
    expect(problems[0]).toMatchObject({ message: expect.stringContaining('not valid JSON') });
    expect(problems[1]).toMatchObject({ message: 'not a JSON object' });
    expect(problems[2]).toMatchObject({ message: expect.stringContaining('unrecognized line') });
    expect(w.stats.malformed).toBe(3);
  });

  it('skips a line longer than the limit and reports it', async () => {
    const file = join(dir, 'logs', 'a.jsonl');
    writeFileSync(file, `${lines(1)}${'x'.repeat(300_000)}\n${lines(2)}`);
    const rec = recorder();
    await start(rec, { maxLineBytes: 100_000, batchBytes: 64 * 1024 });
    expect(rec.ids).toEqual(ops(1, 2));
    expect(rec.events).toContainEqual({ type: 'problem', file, line: 2, message: 'line is longer than 100000 bytes; skipped' });
  });

  it('reports records the hub rejects with their line numbers', async () => {
    const file = join(dir, 'logs', 'a.jsonl');
    writeFileSync(file, lines(1, 2, 3));
    const events: WatchEvent[] = [];
    const sink: JsonlSink = { send: async (records) => ({ accepted: records.length - 1, rejected: [{ index: 1, code: 'INVALID_FIELD', message: 'name: bad' }] }) };
    const w = new JsonlWatcher({ paths: [join(dir, 'logs')], offsetsFile: join(dir, 'o.json'), sink, report: (e) => events.push(e) });
    watchers.push(w);
    await w.start();
    expect(events).toContainEqual({ type: 'problem', file, line: 2, message: 'INVALID_FIELD: name: bad' });
    expect(w.stats.rejected).toBe(1);
  });

  it('with startAtEnd, files present at start-up are read from their end', async () => {
    const file = join(dir, 'logs', 'a.jsonl');
    writeFileSync(file, lines(1, 2));
    const rec = recorder();
    await start(rec, { startAtEnd: true });
    expect(rec.ids).toEqual([]);
    appendFileSync(file, lines(3));
    writeFileSync(join(dir, 'logs', 'late.jsonl'), lines(4));
    await until(() => rec.ids.length === 2, 'new lines');
    expect(rec.ids.sort()).toEqual(ops(3, 4));
    const problem = rec.events.find((e) => e.type === 'problem');
    expect(problem).toBeUndefined();
  });

  it('retries a file whose delivery failed, without waiting for it to change', async () => {
    const file = join(dir, 'logs', 'a.jsonl');
    writeFileSync(file, lines(1, 2));
    const names: string[] = [];
    const events: WatchEvent[] = [];
    let failures = 1;
    const sink: JsonlSink = {
      async send(records) {
        if (failures-- > 0) throw new Error('SQLITE_BUSY: database is locked');
        for (const r of records) names.push((r as { name: string }).name);
        return { accepted: records.length, rejected: [] };
      },
    };
    const w = new JsonlWatcher({ paths: [join(dir, 'logs')], offsetsFile: join(dir, 'offsets.json'), sink, report: (e) => events.push(e) });
    watchers.push(w);
    await w.start();
    await until(() => names.length === 2, 'the retry');
    expect(names).toEqual(ops(1, 2));
    expect(events).toContainEqual({ type: 'error', file, message: 'SQLITE_BUSY: database is locked (retrying in 1 s)' });
  });

  it('never waits for the next write: bursts of appends (events coalesced or lost) are all read', async () => {
    const file = join(dir, 'logs', 'burst.jsonl');
    writeFileSync(file, '');
    const names: string[] = [];
    // A delivery that takes a moment, as over HTTP: writes land while a batch is in flight.
    const sink: JsonlSink = {
      async send(records) {
        await new Promise((r) => setTimeout(r, 3));
        for (const r of records) names.push((r as { name: string }).name);
        return { accepted: records.length, rejected: [] };
      },
    };
    const w = new JsonlWatcher({ paths: [join(dir, 'logs')], offsetsFile: join(dir, 'offsets.json'), sink });
    watchers.push(w);
    await w.start();
    let next = 1;
    let pending = '';
    for (let burst = 0; burst < 30; burst++) {
      let text = pending + lines(...Array.from({ length: 1 + ((burst * 37) % 50) }, () => next++));
      // Every third burst stops inside its last line.
      const cut = burst % 3 === 2 ? text.length - 7 : text.length;
      pending = text.slice(cut);
      text = text.slice(0, cut);
      for (let at = 0; at < text.length; at += 1 + ((at * 7919) % 3000)) appendFileSync(file, text.slice(at, at + 1 + ((at * 7919) % 3000)));
      const complete = next - 1 - (pending === '' ? 0 : 1);
      await until(() => names.length === complete, `burst ${burst}: ${complete} lines without a further write`, 5000);
    }
    expect(names).toEqual(ops(...Array.from({ length: names.length }, (_, i) => i + 1)));
  });

  it('closes what a Claude Code transcript left open once the file has been idle (killed mid-turn), and carries on if it grows again', async () => {
    const file = join(dir, 'logs', 'session.jsonl');
    const sid = '5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
    const head = { parentUuid: null, isSidechain: false, userType: 'external', cwd: '/home/dev/app', sessionId: sid, version: '2.1.39', gitBranch: 'main' };
    const at = (s: number) => new Date(Date.UTC(2026, 1, 12, 16, 0, s)).toISOString();
    const toolUse = { ...head, message: { model: 'claude-opus-4-6', id: 'msg_idle_1', type: 'message', role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_idle_1', name: 'Bash', input: { command: 'npm test' } }], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 9 } }, requestId: 'req_idle_1', type: 'assistant', uuid: 'a1', timestamp: at(5) };
    writeFileSync(file, `${JSON.stringify({ ...head, type: 'user', message: { role: 'user', content: 'run the tests' }, uuid: 'u1', timestamp: at(0) })}\n${JSON.stringify(toolUse)}\n`);
    const records: { spanId: string; name: string; kind?: string; startTime: number; endTime?: number; status?: string }[] = [];
    const sink: JsonlSink = {
      async send(batch) {
        records.push(...(batch as typeof records));
        return { accepted: batch.length, rejected: [] };
      },
    };
    const w = new JsonlWatcher({ paths: [join(dir, 'logs')], offsetsFile: join(dir, 'offsets.json'), sink, idleFinishMs: 400 });
    watchers.push(w);
    await w.start();
    const latest = (name: string) => records.filter((r) => r.name === name).at(-1);
    expect(latest('Bash')!.endTime).toBeUndefined();
    await until(() => latest('Bash')?.endTime !== undefined, 'the idle file to be finished');
    expect(latest('Bash')).toMatchObject({ startTime: Date.parse(at(5)), endTime: Date.parse(at(5)), status: 'unset' });
    expect(latest('turn: run the tests')).toMatchObject({ endTime: Date.parse(at(5)), status: 'ok' });
    // Finished once: nothing more is sent while the file stays idle.
    const count = records.length;
    await new Promise((r) => setTimeout(r, 900));
    expect(records.length).toBe(count);
    // The result comes after all (a very long command): the tool ends properly, the turn goes on.
    appendFileSync(file, `${JSON.stringify({ ...head, type: 'user', message: { role: 'user', content: [{ tool_use_id: 'toolu_idle_1', type: 'tool_result', content: 'ok' }] }, uuid: 'u2', timestamp: at(50) })}\n`);
    await until(() => latest('Bash')?.status === 'ok', 'the late result');
    expect(latest('Bash')).toMatchObject({ startTime: Date.parse(at(5)), endTime: Date.parse(at(50)) });
  });

  it('does not move the cursor when the sink could not deliver (closing mid-delivery)', async () => {
    const file = join(dir, 'logs', 'a.jsonl');
    writeFileSync(file, lines(1, 2));
    let release: () => void = () => undefined;
    const sink: JsonlSink = {
      send: (records, signal) =>
        new Promise((resolve) => {
          release = () => resolve(signal.aborted ? undefined : { accepted: records.length, rejected: [] });
          signal.addEventListener('abort', () => resolve(undefined));
        }),
    };
    const w = new JsonlWatcher({ paths: [join(dir, 'logs')], offsetsFile: join(dir, 'offsets.json'), sink });
    void w.start();
    await until(() => release.name === 'release', 'the first delivery');
    await w.close();
    const rec = recorder();
    await start(rec);
    expect(rec.ids).toEqual(ops(1, 2));
  });
});
