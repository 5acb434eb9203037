import type { FieldSpec } from '@runtime-hub/protocol';
import { permanent } from '../errors.js';
import { hasTemplate } from '../expr/index.js';
import { parseDuration } from './duration.js';

/**
 * Config fields: static checks when a workflow is saved, and coercion of the evaluated values
 * when a node runs. Both name the field, so the editor can point at it.
 */

/** Defaults of the fields that have one, under the values the config sets. */
export function withDefaults(fields: FieldSpec[], config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (field.default !== undefined) out[field.name] = field.default;
  for (const [key, value] of Object.entries(config)) if (value !== undefined) out[key] = value;
  return out;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function visible(field: FieldSpec, config: Record<string, unknown>): boolean {
  if (!field.showIf) return true;
  const current = config[field.showIf.field];
  return field.showIf.equals.some((candidate) => candidate === current);
}

/** Problems with a saved config: missing required fields, literal values of the wrong type. */
export function checkFields(fields: FieldSpec[], raw: Record<string, unknown>): { field: string; message: string }[] {
  const config = withDefaults(fields, raw);
  const problems: { field: string; message: string }[] = [];
  for (const field of fields) {
    if (!visible(field, config)) continue;
    const value = config[field.name];
    if (isEmpty(value)) {
      if (field.required) problems.push({ field: field.name, message: `"${field.label}" is required` });
      continue;
    }
    if (field.expressions !== false && hasTemplate(value)) continue;
    const problem = typeProblem(field, value);
    if (problem) problems.push({ field: field.name, message: problem });
  }
  return problems;
}

function typeProblem(field: FieldSpec, value: unknown): string | undefined {
  switch (field.type) {
    case 'string':
    case 'text':
    case 'code':
    case 'workflow':
      return typeof value === 'string' ? undefined : `must be text, not ${describe(value)}`;
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return `must be a number, not ${describe(value)}`;
      if (field.min !== undefined && n < field.min) return `must be at least ${field.min}`;
      if (field.max !== undefined && n > field.max) return `must be at most ${field.max}`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, not ${describe(value)}`;
    case 'select':
      return field.options?.some((o) => o.value === value)
        ? undefined
        : `must be one of ${field.options?.map((o) => JSON.stringify(o.value)).join(', ')}, not ${JSON.stringify(value)}`;
    case 'duration':
      return parseDuration(value) === undefined ? `must be a duration like 500, "30s", "5m" or "2h", not ${JSON.stringify(value)}` : undefined;
    case 'map':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : `must be an object of names to values, not ${describe(value)}`;
    case 'list':
      return Array.isArray(value) ? undefined : `must be a list, not ${describe(value)}`;
    case 'json':
    case 'expression':
      return undefined;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 60)}`;
}

/**
 * Converts evaluated values to the field types (numeric text to numbers, durations to
 * milliseconds) and fails with CONFIG_INVALID, naming the field, when that is not possible.
 */
export function coerceFields(fields: FieldSpec[], config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...config };
  for (const field of fields) {
    if (!visible(field, out)) continue;
    const value = out[field.name];
    if (isEmpty(value)) {
      if (field.required) throw permanent('CONFIG_INVALID', `"${field.label}" (${field.name}) is empty`, field.name);
      continue;
    }
    if (field.type === 'number' && typeof value === 'string') out[field.name] = Number(value);
    if (field.type === 'duration') out[field.name] = parseDuration(value);
    if ((field.type === 'string' || field.type === 'text') && (typeof value === 'number' || typeof value === 'boolean')) {
      out[field.name] = String(value);
    }
    if (field.type === 'boolean' && typeof value === 'string') out[field.name] = value === 'true';
    const problem = typeProblem(field, out[field.name]);
    if (problem) throw permanent('CONFIG_INVALID', `"${field.label}" (${field.name}) ${problem}`, field.name);
  }
  return out;
}
