import type pg from 'pg';
import { SPAN_LIMITS } from '@runtime-hub/protocol';
import type { SpanRow, SpanValues } from '../sqlite/row-codec.js';
import { SPAN_COLUMNS } from '../sqlite/statements.js';

/** The NOTIFY channel on which each write announces its last seq (postgres-change-feed.ts listens). */
export const CHANGES_CHANNEL = 'runtime_hub_changes';

/** Every column of a span row except the search vector: what reads select. */
export const ROW_COLUMNS = ['id', ...SPAN_COLUMNS].join(', ');

const TYPES = [
  'text', 'text', 'text', 'text', 'text', 'text', 'float8', 'float8', 'text', 'text',
  'text', 'text', 'text', 'text', 'text', 'text', 'text', 'int8', 'int8', 'float8', 'int8',
] as const;

/** The incoming record wins when it is an end record or the stored span has not ended (architecture.md). */
const WINS = '(excluded.end_time IS NOT NULL OR spans.end_time IS NULL)';
const prefer = (c: string) => `${c} = CASE WHEN ${WINS} THEN COALESCE(excluded.${c}, spans.${c}) ELSE COALESCE(spans.${c}, excluded.${c}) END`;
const take = (c: string) => `${c} = CASE WHEN ${WINS} THEN excluded.${c} ELSE spans.${c} END`;
/** Attributes merge key by key while the result stays within the limits; otherwise the winner's replace them. */
const ATTRIBUTES = `attributes = CASE
  WHEN excluded.attributes IS NULL THEN spans.attributes
  WHEN spans.attributes IS NULL THEN excluded.attributes
  ELSE (SELECT CASE WHEN octet_length(m::text) <= ${SPAN_LIMITS.maxRecordBytes} AND (SELECT count(*) FROM jsonb_object_keys(m)) <= ${SPAN_LIMITS.maxAttributes}
      THEN m::text ELSE (CASE WHEN ${WINS} THEN excluded.attributes ELSE spans.attributes END) END
    FROM (SELECT CASE WHEN ${WINS} THEN spans.attributes::jsonb || excluded.attributes::jsonb
      ELSE excluded.attributes::jsonb || spans.attributes::jsonb END AS m) merged) END`;

/** Payload columns: a new row's are the record's own, so only a merged row sends them back. */
const PAYLOADS = ['input', 'output', 'error', 'attributes', 'events'] as const;
const RETURNED = ['id', ...SPAN_COLUMNS]
  .map((column) => ((PAYLOADS as readonly string[]).includes(column) ? `CASE WHEN xmax = 0 THEN NULL ELSE ${column} END AS ${column}` : column))
  .join(', ');
/** Where each payload column sits in SpanValues (row-codec.ts). */
const PAYLOAD_INDEX = PAYLOADS.map((column) => SPAN_COLUMNS.indexOf(column));

/**
 * One statement per round: a batch is split into rounds in which each spanId occurs once (an SDK
 * often sends a span's start and end in one batch; one INSERT … ON CONFLICT may touch a row once).
 * A record whose spanId belongs to another trace changes nothing and returns no row.
 */
const UPSERT_SPANS = `INSERT INTO spans (${SPAN_COLUMNS.join(', ')})
SELECT * FROM unnest(${TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})
ON CONFLICT (span_id) DO UPDATE SET
  ${['parent_span_id'].map(prefer).join(', ')},
  ${['service', 'name', 'kind', 'start_time', 'end_time', 'status'].map(take).join(', ')},
  ${['session_id', 'input', 'output', 'error'].map(prefer).join(', ')},
  ${ATTRIBUTES},
  ${['events', 'error_group', 'model', 'input_tokens', 'output_tokens', 'cost_usd'].map(prefer).join(', ')},
  seq = excluded.seq
WHERE spans.trace_id = excluded.trace_id
RETURNING ${RETURNED}, (xmax = 0) AS inserted`;

const UPSERT_TRACES = `INSERT INTO traces
  (trace_id, root_span_id, name, service, kind, session_id, start_time, end_time, root_end_time, root_status, has_error)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[], $9::float8[], $10::text[], $11::int[])
ON CONFLICT (trace_id) DO UPDATE SET
  root_span_id = COALESCE(excluded.root_span_id, traces.root_span_id),
  name = CASE WHEN excluded.root_span_id IS NOT NULL OR traces.root_span_id IS NULL THEN excluded.name ELSE traces.name END,
  service = CASE WHEN excluded.root_span_id IS NOT NULL OR traces.root_span_id IS NULL THEN excluded.service ELSE traces.service END,
  kind = CASE WHEN excluded.root_span_id IS NOT NULL OR traces.root_span_id IS NULL THEN excluded.kind ELSE traces.kind END,
  session_id = COALESCE(traces.session_id, excluded.session_id),
  start_time = LEAST(traces.start_time, excluded.start_time),
  end_time = GREATEST(traces.end_time, excluded.end_time),
  root_end_time = CASE WHEN excluded.root_span_id IS NOT NULL THEN excluded.root_end_time ELSE traces.root_end_time END,
  root_status = CASE WHEN excluded.root_span_id IS NOT NULL THEN excluded.root_status ELSE traces.root_status END,
  has_error = GREATEST(traces.has_error, excluded.has_error)`;

const TOUCH_SERVICES = `INSERT INTO services (service, first_seen, last_seen) SELECT s, $2, $2 FROM unnest($1::text[]) AS s
ON CONFLICT (service) DO UPDATE SET last_seen = GREATEST(services.last_seen, excluded.last_seen)`;

export interface PgWriteOutcome {
  /** The i-th span of the batch got `firstSeq + i`. */
  firstSeq: number;
  /** The stored row of every span of the batch, by batch index (for a conflict: the other trace's span, unchanged). */
  rows: SpanRow[];
  /** By batch index: the record made a new span (its row is the record as sent). */
  fresh: boolean[];
  inserted: number;
}

/**
 * Writes one batch in one transaction. The transaction first takes the row lock of
 * `change_counter` and numbers the batch from it; the lock is held until COMMIT, so a write that
 * gets later numbers commits later: seq order is commit order across every hub, and a reader that
 * sees seq N sees everything below it. The price is that writes from all hubs commit one at a time
 * (like SQLite's one writer); parsing, validation and encoding still run on every hub in parallel.
 */
export async function writeBatch(client: pg.PoolClient, batch: readonly SpanValues[], now: number): Promise<PgWriteOutcome> {
  const { rows: counter } = await client.query<{ value: number }>('UPDATE change_counter SET value = value + $1 RETURNING value', [batch.length]);
  const firstSeq = counter[0]!.value - batch.length + 1;
  const rows: SpanRow[] = new Array<SpanRow>(batch.length);
  const fresh: boolean[] = new Array<boolean>(batch.length).fill(false);
  let inserted = 0;
  const conflicts: number[] = [];
  for (const round of rounds(batch)) {
    const columns: unknown[][] = TYPES.map(() => []);
    for (const index of round) {
      const values = batch[index]!;
      for (let c = 0; c < values.length; c++) columns[c]!.push(values[c]);
      columns[values.length]!.push(firstSeq + index);
    }
    const result = await client.query<SpanRow & { inserted: boolean }>(UPSERT_SPANS, columns);
    const bySeq = new Map(result.rows.map((row) => [row.seq, row]));
    for (const index of round) {
      const row = bySeq.get(firstSeq + index);
      if (!row) conflicts.push(index);
      else {
        if (row.inserted) {
          inserted++;
          fresh[index] = true;
          const sent: readonly unknown[] = batch[index]!;
          const payloads = row as unknown as Record<string, unknown>;
          PAYLOADS.forEach((column, p) => (payloads[column] = sent[PAYLOAD_INDEX[p]!]));
        }
        delete (row as Partial<typeof row>).inserted;
        rows[index] = row;
      }
    }
  }
  if (conflicts.length > 0) {
    const ids = conflicts.map((index) => batch[index]![0]);
    const { rows: stored } = await client.query<SpanRow>(`SELECT ${ROW_COLUMNS} FROM spans WHERE span_id = ANY($1)`, [ids]);
    const byId = new Map(stored.map((row) => [row.span_id, row]));
    for (const index of conflicts) rows[index] = byId.get(batch[index]![0])!;
  }
  await upsertTraces(client, rows.filter((row, index) => row.seq === firstSeq + index));
  const services = [...new Set(rows.map((row) => row.service))];
  await client.query(TOUCH_SERVICES, [services, now]);
  // Delivered at commit, to every hub's change feed: new changes up to this seq are readable.
  await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(firstSeq + batch.length - 1)]);
  return { firstSeq, rows, fresh, inserted };
}

/** Splits batch indexes into rounds where each spanId occurs at most once, keeping batch order per span. */
function rounds(batch: readonly SpanValues[]): number[][] {
  const result: number[][] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < batch.length; i++) {
    const id = batch[i]![0];
    const round = seen.get(id) ?? 0;
    seen.set(id, round + 1);
    (result[round] ??= []).push(i);
  }
  return result;
}

/** Folds the batch's stored spans into one upsert row per trace (the same fold as the SQLite writer). */
async function upsertTraces(client: pg.PoolClient, rows: readonly SpanRow[]): Promise<void> {
  const traces = new Map<string, unknown[]>();
  for (const span of rows) {
    let t = traces.get(span.trace_id);
    if (!t) {
      t = [span.trace_id, null, span.name, span.service, span.kind, span.session_id, span.start_time, span.end_time, null, null, 0];
      traces.set(span.trace_id, t);
    }
    if (span.parent_span_id === null) {
      t[1] = span.span_id;
      t[2] = span.name;
      t[3] = span.service;
      t[4] = span.kind;
      t[8] = span.end_time;
      t[9] = span.status;
    }
    t[5] ??= span.session_id;
    t[6] = Math.min(t[6] as number, span.start_time);
    if (span.end_time !== null) t[7] = Math.max((t[7] as number | null) ?? 0, span.end_time);
    if (span.status === 'error') t[10] = 1;
  }
  if (traces.size === 0) return;
  const columns: unknown[][] = Array.from({ length: 11 }, () => []);
  for (const t of traces.values()) t.forEach((value, i) => columns[i]!.push(value));
  await client.query(UPSERT_TRACES, columns);
}
