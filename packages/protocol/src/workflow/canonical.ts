/**
 * Stable serialization of definitions, so a project folder diffs cleanly in git: the known
 * objects keep a reading order (id and name first, nodes before edges), every other object has
 * its keys sorted, and the text is pretty-printed with two spaces and a final newline.
 *
 * @example
 *   writeFileSync(file, canonicalJson(definition, 'workflow'));
 */

const ORDERS: Record<string, readonly string[]> = {
  workflow: ['id', 'name', 'description', 'project', 'version', 'visibility', 'endpoint', 'trigger', 'settings', 'nodes', 'edges', 'stickyNotes', 'pinned'],
  project: ['id', 'name', 'description', 'version', 'settings', 'env'],
  endpoint: ['method', 'path', 'auth'],
  trigger: ['type', 'expression', 'timezone', 'missed'],
  node: ['id', 'type', 'name', 'position', 'config', 'retry', 'timeoutMs', 'onError', 'disabled', 'notes'],
  position: ['x', 'y'],
  edge: ['source', 'sourceOutput', 'target'],
};

/** Which ordering applies to a child, given the parent's kind and the key it sits under. */
function childKind(kind: string | undefined, key: string): string | undefined {
  if (kind === 'workflow') {
    if (key === 'endpoint' || key === 'trigger') return key;
    if (key === 'nodes') return 'node[]';
    if (key === 'edges') return 'edge[]';
  }
  if (kind === 'node' && key === 'position') return 'position';
  return undefined;
}

function order(value: unknown, kind: string | undefined): unknown {
  if (Array.isArray(value)) {
    const itemKind = kind?.endsWith('[]') ? kind.slice(0, -2) : undefined;
    return value.map((item) => order(item, itemKind));
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const preferred = kind ? (ORDERS[kind] ?? []) : [];
  const keys = Object.keys(record).filter((k) => record[k] !== undefined);
  const known = preferred.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !preferred.includes(k)).sort();
  const out: Record<string, unknown> = {};
  for (const key of [...known, ...rest]) out[key] = order(record[key], childKind(kind, key));
  return out;
}

/** The value with its keys in canonical order (a deep copy). */
export function canonicalize(value: unknown, kind?: 'workflow' | 'project'): unknown {
  return order(value, kind);
}

/** Canonical, pretty-printed JSON text with a trailing newline. */
export function canonicalJson(value: unknown, kind?: 'workflow' | 'project'): string {
  return `${JSON.stringify(canonicalize(value, kind), null, 2)}\n`;
}
