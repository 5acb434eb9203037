import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../store/annotations.js';
import { hexId, postSpans, spanRecord, startTestHub, type TestHub } from '../testing/test-hub.js';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.close());

async function storedSpan(url: string): Promise<Record<string, unknown> & { spanId: string; traceId: string }> {
  const span = spanRecord({ name: 'chat gpt-4o' }) as Record<string, unknown> & { spanId: string; traceId: string };
  expect((await postSpans(url, [span])).status).toBe(200);
  return span;
}

function post(url: string, spanId: string, body: unknown): Promise<Response> {
  return fetch(`${url}/api/v1/spans/${spanId}/annotations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function listFor(url: string, spanId: string): Promise<Annotation[]> {
  const res = await fetch(`${url}/api/v1/spans/${spanId}/annotations`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { annotations: Annotation[] }).annotations;
}

async function expectError(res: Response, status: number, code: string, messagePart: string): Promise<void> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toContain(messagePart);
}

describe('bookmarks and notes on spans', () => {
  it('adds a bookmark and notes, lists them newest first, and deletes one', async () => {
    const span = await storedSpan(t.url);
    const bookmark = await post(t.url, span.spanId, { kind: 'bookmark', label: 'look again' });
    expect(bookmark.status).toBe(201);
    const first = ((await bookmark.json()) as { annotation: Annotation }).annotation;
    expect(first).toMatchObject({ spanId: span.spanId, traceId: span.traceId, kind: 'bookmark', label: 'look again' });
    expect(first.createdAt).toBeGreaterThan(Date.now() - 60_000);

    // A second bookmark is the first one: the toggle is idempotent.
    const again = (await (await post(t.url, span.spanId, { kind: 'bookmark' })).json()) as { annotation: Annotation };
    expect(again.annotation.id).toBe(first.id);

    const note = (await (await post(t.url, span.spanId, { kind: 'note', label: 'quality', text: '<script>alert(1)</script> wrong answer', score: 0.25 })).json()) as {
      annotation: Annotation;
    };
    expect(note.annotation).toMatchObject({ kind: 'note', text: '<script>alert(1)</script> wrong answer', score: 0.25, label: 'quality' });

    expect((await listFor(t.url, span.spanId)).map((a) => a.id)).toEqual([note.annotation.id, first.id]);

    const deleted = await fetch(`${t.url}/api/v1/annotations/${first.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await listFor(t.url, span.spanId)).map((a) => a.id)).toEqual([note.annotation.id]);
    await expectError(await fetch(`${t.url}/api/v1/annotations/${first.id}`, { method: 'DELETE' }), 404, 'ANNOTATION_NOT_FOUND', String(first.id));
  });

  it('searches across spans by kind, label and text, newest first, page by page', async () => {
    const word = `zebu${hexId(16).slice(0, 6)}`;
    const spans = [await storedSpan(t.url), await storedSpan(t.url), await storedSpan(t.url)];
    const ids: number[] = [];
    for (const [i, span] of spans.entries()) {
      const res = await post(t.url, span.spanId, { kind: 'note', label: i === 1 ? 'hallucination' : 'ok', text: `run ${i} mentions ${word}_%` });
      ids.push(((await res.json()) as { annotation: Annotation }).annotation.id);
    }
    await post(t.url, spans[0]!.spanId, { kind: 'bookmark' });

    const page1 = (await (await fetch(`${t.url}/api/v1/annotations?q=${word}_%25&limit=2`)).json()) as { annotations: Annotation[]; nextCursor: string | null };
    expect(page1.annotations.map((a) => a.id)).toEqual([ids[2], ids[1]]);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (await (await fetch(`${t.url}/api/v1/annotations?q=${word}_%25&limit=2&cursor=${page1.nextCursor}`)).json()) as {
      annotations: Annotation[];
      nextCursor: string | null;
    };
    expect(page2).toEqual({ annotations: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

    const labelled = (await (await fetch(`${t.url}/api/v1/annotations?label=hallucination&q=${word}`)).json()) as { annotations: Annotation[] };
    expect(labelled.annotations.map((a) => a.spanId)).toEqual([spans[1]!.spanId]);
    const bookmarks = (await (await fetch(`${t.url}/api/v1/annotations?kind=bookmark&limit=500`)).json()) as { annotations: Annotation[] };
    expect(bookmarks.annotations.some((a) => a.spanId === spans[0]!.spanId)).toBe(true);
    expect(bookmarks.annotations.every((a) => a.kind === 'bookmark')).toBe(true);
  });

  it('refuses bad input with a code and a message naming the field, and unknown spans', async () => {
    const span = await storedSpan(t.url);
    await expectError(await post(t.url, span.spanId, { kind: 'star' }), 400, 'INVALID_BODY', 'kind');
    await expectError(await post(t.url, span.spanId, { kind: 'note' }), 400, 'INVALID_BODY', 'text');
    await expectError(await post(t.url, span.spanId, { kind: 'note', text: 'x'.repeat(10 * 1024 + 1) }), 400, 'INVALID_BODY', 'text');
    await expectError(await post(t.url, span.spanId, { kind: 'note', text: 'é'.repeat(6000) }), 400, 'INVALID_BODY', 'bytes');
    await expectError(await post(t.url, span.spanId, { kind: 'bookmark', label: 'l'.repeat(101) }), 400, 'INVALID_BODY', 'label');
    await expectError(await post(t.url, span.spanId, { kind: 'note', text: 'hi', score: 'high' }), 400, 'INVALID_BODY', 'score');
    await expectError(await post(t.url, span.spanId, { kind: 'note', text: 'hi', extra: 1 }), 400, 'INVALID_BODY', 'extra');
    await expectError(await post(t.url, hexId(16), { kind: 'bookmark' }), 404, 'SPAN_NOT_FOUND', 'no span');
    await expectError(await post(t.url, 'not-hex', { kind: 'bookmark' }), 400, 'INVALID_QUERY', 'spanId');
    await expectError(await fetch(`${t.url}/api/v1/annotations/abc`, { method: 'DELETE' }), 400, 'INVALID_QUERY', 'id');
    await expectError(await fetch(`${t.url}/api/v1/annotations?cursor=bogus`), 400, 'INVALID_CURSOR', 'cursor');
    await expectError(await fetch(`${t.url}/api/v1/annotations?kind=star`), 400, 'INVALID_QUERY', 'kind');
    expect(await listFor(t.url, span.spanId)).toEqual([]);
    expect((await fetch(`${t.url}/api/health`)).status).toBe(200);
  });

  it('keeps annotations across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rh-ann-'));
    try {
      let hub = await startTestHub({ dataDir });
      const span = await storedSpan(hub.url);
      expect((await post(hub.url, span.spanId, { kind: 'note', text: 'kept', score: -2 })).status).toBe(201);
      await hub.close();
      hub = await startTestHub({ dataDir });
      expect(await listFor(hub.url, span.spanId)).toEqual([expect.objectContaining({ kind: 'note', text: 'kept', score: -2, traceId: span.traceId })]);
      await hub.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('annotations in exports and imports', () => {
  it("lists a trace's annotations by traceId", async () => {
    const a = await storedSpan(t.url);
    const b = await storedSpan(t.url);
    await post(t.url, a.spanId, { kind: 'note', text: 'in trace a', label: 'keep', score: 0.5 });
    await post(t.url, b.spanId, { kind: 'bookmark' });
    const res = await fetch(`${t.url}/api/v1/annotations?traceId=${a.traceId}`);
    const list = ((await res.json()) as { annotations: Annotation[] }).annotations;
    expect(list.map((x) => [x.spanId, x.text, x.label, x.score])).toEqual([[a.spanId, 'in trace a', 'keep', 0.5]]);
    await expectError(await fetch(`${t.url}/api/v1/annotations?traceId=xyz`), 400, 'INVALID_QUERY', 'traceId');
  });

  it('exports each span followed by its annotations, and imports them once, with their time, into another hub', async () => {
    const span = spanRecord({ service: 'export-notes', name: 'tool <script>alert(1)</script>' }) as Record<string, unknown> & { spanId: string; traceId: string };
    await postSpans(t.url, [span, spanRecord({ service: 'export-notes' })]);
    await post(t.url, span.spanId, { kind: 'bookmark' });
    await post(t.url, span.spanId, { kind: 'note', text: '<img src=x onerror=alert(1)> wrong tool', label: 'bug', score: -1 });

    const text = await (await fetch(`${t.url}/api/v1/export?service=export-notes`)).text();
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    const annotations = lines.filter((l) => 'annotation' in l).map((l) => l.annotation as Annotation);
    expect(annotations.map((a) => [a.spanId, a.kind, a.text])).toEqual([
      [span.spanId, 'note', '<img src=x onerror=alert(1)> wrong tool'],
      [span.spanId, 'bookmark', undefined],
    ]);
    const bare = await (await fetch(`${t.url}/api/v1/export?service=export-notes&annotations=false`)).text();
    expect(bare.trim().split('\n')).toHaveLength(2);
    expect((await (await fetch(`${t.url}/api/v1/export?service=export-notes&format=csv`)).text()).trim().split('\n')).toHaveLength(3);

    const other = await startTestHub();
    try {
      const importNotes = (list: unknown[]) =>
        fetch(`${other.url}/api/v1/annotations/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ annotations: list }) });
      // Before the spans: every annotation is refused with the reason, nothing stored.
      const early = (await (await importNotes(annotations)).json()) as { imported: number; rejected: { index: number; code: string }[] };
      expect(early).toMatchObject({ imported: 0, rejected: [{ index: 0, code: 'SPAN_NOT_FOUND' }, { index: 1, code: 'SPAN_NOT_FOUND' }] });

      await postSpans(other.url, lines.filter((l) => !('annotation' in l)));
      const bad = { spanId: span.spanId, kind: 'note', text: '' };
      const first = await importNotes([...annotations, bad]);
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ imported: 2, existing: 0, rejected: [{ index: 2, code: 'INVALID_FIELD', message: 'text: a note needs a text' }] });
      const again = (await (await importNotes(annotations)).json()) as { imported: number; existing: number };
      expect(again).toMatchObject({ imported: 0, existing: 2 });
      const stored = await listFor(other.url, span.spanId);
      expect(stored.map((a) => [a.kind, a.text, a.label, a.score, a.createdAt, a.traceId])).toEqual(
        annotations.map((a) => [a.kind, a.text, a.label, a.score, a.createdAt, span.traceId]),
      );
      await expectError(await importNotes(Array.from({ length: 1001 }, () => bad)), 400, 'INVALID_BODY', 'annotations');
    } finally {
      await other.close();
    }
  });
});
