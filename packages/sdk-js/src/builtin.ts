import { createRequire } from 'node:module';

// Resolves Node's built-in modules only; any absolute path will do as the base.
const load = createRequire(process.execPath);

/**
 * A built-in module loaded on first use rather than at import: http, https (with tls and
 * crypto), zlib and child_process cost 10-30 ms each to load, paid by every process that loads
 * the SDK, while many never use them (disabled; a loopback hub is plain http, uncompressed; the
 * exit beat is rare).
 *
 * @example
 *   const { gzipSync } = builtin<typeof import('node:zlib')>('node:zlib');
 */
export function builtin<T>(name: 'node:http' | 'node:https' | 'node:zlib' | 'node:child_process' | 'node:crypto' | 'node:fs'): T {
  return load(name) as T;
}
