import { HubError } from '@runtime-hub/protocol';
import type { z } from 'zod';

/** Parses a body, query or path parameters with zod; a mismatch is a 400 that names the field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, where: 'body' | 'query' | 'params' = 'body'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') || where;
  throw new HubError(where === 'body' ? 'INVALID_BODY' : 'INVALID_QUERY', `${path}: ${issue?.message ?? 'invalid'}`);
}
