/**
 * JSON values as source literals, formatted the same way every time (the bytes of a generated
 * file depend only on the value).
 */

function jsNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** A JSON value as a Python literal (`True`, `None`, dicts and lists), indented by 4. */
export function pythonLiteral(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent + 4);
  const end = ' '.repeat(indent);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return jsNumber(value) === 'null' ? 'None' : jsNumber(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${pad}${pythonLiteral(item, indent + 4)},`).join('\n')}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pythonLiteral(v, indent + 4)},`).join('\n')}\n${end}}`;
}

/** A JSON value as a TypeScript literal (JSON with two-space indent). */
export function tsLiteral(value: unknown): string {
  return JSON.stringify(value ?? null, null, 2);
}
