import { types } from 'node:util';
import { ACCESSOR, constructorName, ownData } from './serialize-types.js';

/**
 * The `name` of a thrown value from its data properties; for the platform's DOMException (whose
 * `name` is a built-in getter, e.g. AbortError, TimeoutError) through that getter.
 */
function nameOf(thrown: object): string {
  const value = ownData(thrown, 'name', true);
  if (value === ACCESSOR && typeof DOMException === 'function' && thrown instanceof DOMException) return thrown.name;
  return typeof value === 'string' && value !== ACCESSOR ? value : '';
}

/** An error class (matched with instanceof) or a name (matched against `name` or the class name). */
export type ErrorMatcher = string | (abstract new (...args: never[]) => unknown);

/**
 * Thrown values that are control flow rather than failures by default. JavaScript ends iteration
 * with `{ done: true }`, not an exception, so the only protocol-like case is a cancellation the
 * caller asked for: `AbortError` (AbortController.abort(), fetch and timers/promises cancelled).
 */
export const DEFAULT_IGNORE_ERRORS: readonly ErrorMatcher[] = Object.freeze(['AbortError']);

/**
 * True when `thrown` matches one of `matchers`. Reads names through data properties only, so a
 * thrown object's getters never run; never throws.
 *
 * @example
 *   isIgnored(new DOMException('x', 'AbortError'), ['AbortError']) // true
 */
export function isIgnored(thrown: unknown, matchers: readonly ErrorMatcher[]): boolean {
  if (matchers.length === 0 || thrown === null || (typeof thrown !== 'object' && typeof thrown !== 'function')) return false;
  if (types.isProxy(thrown)) return false;
  let name: string | undefined;
  let className: string | undefined;
  for (const matcher of matchers) {
    try {
      if (typeof matcher === 'function') {
        if (thrown instanceof matcher) return true;
        continue;
      }
      if (name === undefined) {
        name = nameOf(thrown);
        className = constructorName(thrown);
      }
      if (matcher === name || matcher === className) return true;
    } catch {
      // A hostile Symbol.hasInstance: not a match.
    }
  }
  return false;
}

/** Type and message of a thrown value without reading its stack (cheap: no stack formatting). */
export function describeThrown(thrown: unknown): { type: string; message: string } {
  if (thrown === null || (typeof thrown !== 'object' && typeof thrown !== 'function') || types.isProxy(thrown)) {
    return { type: 'NonError', message: String(thrown).slice(0, 1024) };
  }
  const name = nameOf(thrown);
  let message = ownData(thrown, 'message', true);
  if (message === ACCESSOR && typeof DOMException === 'function' && thrown instanceof DOMException) message = thrown.message;
  return {
    type: name !== '' && name !== 'Error' ? name : constructorName(thrown),
    message: typeof message === 'string' && message !== ACCESSOR ? message.slice(0, 1024) : '',
  };
}
