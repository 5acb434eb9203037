import { HubError } from '@runtime-hub/protocol';

/**
 * Opaque paging cursors: the sort key of the last item of a page, base64url-encoded so clients
 * treat them as tokens, never as numbers to compute with.
 */
export interface KeyCursor {
  /** Primary sort value (a start time, a last-seen time). */
  t: number;
  /** Tie breaker (a row id or a session id). */
  k: number | string;
}

export function encodeCursor(cursor: KeyCursor): string {
  return Buffer.from(JSON.stringify([cursor.t, cursor.k])).toString('base64url');
}

export function decodeCursor(text: string): KeyCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'number' &&
      (typeof value[1] === 'number' || typeof value[1] === 'string')
    ) {
      return { t: value[0], k: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new HubError('INVALID_CURSOR', 'cursor: not a cursor returned by this API');
}
