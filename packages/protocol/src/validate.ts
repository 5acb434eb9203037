import type { z } from 'zod';
import type { ErrorCode } from './errors.js';
import { SPAN_LIMITS } from './limits.js';
import { SpanRecord } from './span.js';

/** Why one record of a batch was not stored. `index` is its position in the request. */
export interface RecordRejection {
  index: number;
  code: ErrorCode;
  message: string;
}

export interface ValidationResult {
  /** Valid records, normalized (lowercase ids, defaults applied), with their request index. */
  valid: { index: number; record: SpanRecord }[];
  rejected: RecordRejection[];
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);
const TIME_FIELDS = new Set(['startTime', 'endTime', 'time']);

/**
 * Validates each record on its own, so one bad record never costs the good ones of its batch.
 *
 * @example
 *   const { valid, rejected } = validateSpanRecords(body.spans);
 */
export function validateSpanRecords(records: readonly unknown[]): ValidationResult {
  const result: ValidationResult = { valid: [], rejected: [] };
  for (let index = 0; index < records.length; index++) {
    const raw = records[index];
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      result.rejected.push({ index, code: 'INVALID_RECORD', message: 'a span record must be a JSON object' });
      continue;
    }
    const deep = withinDepth(raw, SPAN_LIMITS.maxDepth) ? undefined : findTooDeep(raw, SPAN_LIMITS.maxDepth);
    if (deep !== undefined) {
      result.rejected.push({
        index,
        code: 'NESTING_TOO_DEEP',
        message: `${deep}: nested deeper than ${SPAN_LIMITS.maxDepth} levels`,
      });
      continue;
    }
    const parsed = SpanRecord.safeParse(raw);
    if (parsed.success) {
      result.valid.push({ index, record: parsed.data });
    } else {
      result.rejected.push({ index, ...describeIssues(raw, parsed.error.issues) });
    }
  }
  return result;
}

function describeIssues(raw: object, issues: z.core.$ZodIssue[]): { code: ErrorCode; message: string } {
  const first = issues[0];
  const code = first ? codeFor(raw, first) : 'INVALID_FIELD';
  const message = issues
    .slice(0, 5)
    .map((issue) => `${formatPath(issue.path)}: ${valueAt(raw, issue.path) === undefined ? 'is required' : issue.message}`)
    .join('; ');
  return { code, message };
}

function codeFor(raw: object, issue: z.core.$ZodIssue): ErrorCode {
  if (valueAt(raw, issue.path) === undefined) return 'MISSING_FIELD';
  const field = String(issue.path[issue.path.length - 1] ?? '');
  if (ID_FIELDS.has(field)) return 'INVALID_ID';
  if (TIME_FIELDS.has(field)) return 'INVALID_TIME';
  if (issue.code === 'too_big' && issue.origin === 'string') return 'FIELD_TOO_LONG';
  return 'INVALID_FIELD';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'record';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/**
 * Whether no value is nested deeper than `maxDepth`: the fast check every record takes (no paths
 * are built). Iterative, so a hostile 10,000-level document cannot overflow the stack here.
 */
function withinDepth(root: object, maxDepth: number): boolean {
  const values: object[] = [root];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) return false;
    const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
    for (const child of children) {
      if (child !== null && typeof child === 'object') {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

/**
 * Returns the path of the first value nested deeper than `maxDepth`, or undefined; run only on a
 * record that failed `withinDepth`, to say where. Iterative, so a
 * hostile 10,000-level document cannot overflow the stack here.
 */
function findTooDeep(root: object, maxDepth: number): string | undefined {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: root, depth: 0, path: 'record' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return path;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: unknown = value[i];
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1, path: `${path}[${i}]` });
      }
    } else {
      for (const key of Object.keys(value)) {
        const child = (value as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') {
          stack.push({ value: child, depth: depth + 1, path: path === 'record' ? key : `${path}.${key}` });
        }
      }
    }
  }
  return undefined;
}
