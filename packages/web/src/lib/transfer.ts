import { api, type QueryParams } from '../api/client';
import { parseCsv, recordsFromCsv } from './csv';

export interface ExportProgress {
  spans: number;
  bytes: number;
}

/**
 * Streams `/api/v1/export` with progress (spans counted by line) and saves it as a file.
 * Returns the number of spans exported.
 */
export async function exportSpans(params: QueryParams, format: 'jsonl' | 'csv', onProgress: (p: ExportProgress) => void, signal: AbortSignal): Promise<number> {
  const response = await fetch(api.exportUrl({ ...params, format }), { signal, credentials: 'same-origin' });
  if (!response.ok || !response.body) throw new Error(`export failed: ${response.status} ${response.statusText}`);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let lines = 0;
  let lastReport = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.length;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    const now = performance.now();
    if (now - lastReport > 100) {
      lastReport = now;
      onProgress({ spans: Math.max(0, lines - (format === 'csv' ? 1 : 0)), bytes });
    }
  }
  const spans = Math.max(0, lines - (format === 'csv' ? 1 : 0));
  onProgress({ spans, bytes });
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `runtime-hub-spans.${format}`;
  const blob = new Blob(chunks as BlobPart[], { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return spans;
}

export interface ImportProgress {
  /** Share of the file read, 0..1. */
  fraction: number;
  accepted: number;
  rejected: number;
  /** Bookmarks and notes stored (a JSON Lines export carries them after their spans). */
  annotations: number;
  /** The first few problems, for the user to see. */
  problems: string[];
}

const BATCH_RECORDS = 500;
const BATCH_BYTES = 2 * 1024 * 1024;
const MAX_PROBLEMS = 5;

/**
 * Sends an exported file (JSON Lines, a JSON array, or the CSV export) back to the hub through
 * `POST /api/v1/spans`, in batches, reporting progress. Records keep their ids, so importing a
 * file twice stores each span once.
 */
export async function importSpans(file: File, onProgress: (p: ImportProgress) => void, signal: AbortSignal): Promise<ImportProgress> {
  const progress: ImportProgress = { fraction: 0, accepted: 0, rejected: 0, annotations: 0, problems: [] };
  // Annotation lines wait until every span is in: the hub refuses a note on a span it lacks.
  const annotations: { line: number; annotation: unknown }[] = [];
  const problem = (text: string) => {
    progress.rejected++;
    if (progress.problems.length < MAX_PROBLEMS) progress.problems.push(text);
  };
  let batch: unknown[] = [];
  let batchBytes = 0;
  let batchStartLine = 1;
  const send = async () => {
    if (batch.length === 0) return;
    const records = batch;
    const first = batchStartLine;
    batch = [];
    batchBytes = 0;
    const result = await api.ingest(records, signal);
    progress.accepted += result.accepted;
    for (const r of result.rejected) problem(`record ${first + r.index}: ${r.code} ${r.message}`);
  };
  const add = async (record: unknown, size: number, line: number) => {
    if (batch.length === 0) batchStartLine = line;
    batch.push(record);
    batchBytes += size;
    if (batch.length >= BATCH_RECORDS || batchBytes >= BATCH_BYTES) await send();
  };
  const report = (read: number) => {
    progress.fraction = file.size === 0 ? 1 : Math.min(1, read / file.size);
    onProgress({ ...progress, problems: [...progress.problems] });
  };

  const head = (await file.slice(0, 64).text()).trimStart();
  if (file.name.toLowerCase().endsWith('.csv') || head.startsWith('traceId,')) {
    const records = recordsFromCsv(parseCsv(await file.text()));
    for (let i = 0; i < records.length; i++) {
      await add(records[i], 256, i + 1);
      if (i % BATCH_RECORDS === 0) report((i / records.length) * file.size);
    }
  } else if (head.startsWith('[') || head.startsWith('{"spans"')) {
    const parsed: unknown = JSON.parse(await file.text());
    const records = Array.isArray(parsed) ? parsed : ((parsed as { spans?: unknown[] }).spans ?? []);
    for (let i = 0; i < records.length; i++) await add(records[i], 256, i + 1);
  } else {
    const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
    let rest = '';
    let read = 0;
    let line = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw new DOMException('import cancelled', 'AbortError');
      const text = rest + (value ?? '');
      const lines = text.split('\n');
      rest = done ? '' : lines.pop()!;
      for (const raw of lines) {
        line++;
        const trimmed = raw.trim();
        if (!trimmed) continue;
        let record: unknown;
        try {
          record = JSON.parse(trimmed);
        } catch {
          problem(`line ${line}: not JSON`);
          continue;
        }
        if (record !== null && typeof record === 'object' && 'annotation' in record && !('spanId' in record)) annotations.push({ line, annotation: record.annotation });
        else await add(record, trimmed.length, line);
      }
      read += value ? value.length : 0;
      report(read);
      if (done) break;
    }
  }
  await send();
  for (let i = 0; i < annotations.length; i += 1000) {
    const chunk = annotations.slice(i, i + 1000);
    const result = await api.importAnnotations(chunk.map((a) => a.annotation), signal);
    progress.annotations += result.imported + result.existing;
    for (const r of result.rejected) problem(`line ${chunk[r.index]!.line}: ${r.code} ${r.message}`);
  }
  report(file.size);
  return progress;
}
