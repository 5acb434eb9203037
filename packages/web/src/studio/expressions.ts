/**
 * Completion for `{{ … }}` expressions, without any editor: given the text before the cursor,
 * what can follow. The editor (CodeMirror) only turns these into its own completion objects.
 */
export interface ExpressionContext {
  /** Node ids of the workflow, and the output each had in the last run (for field names). */
  nodes: { id: string; output?: unknown }[];
  /** The current node's input in the last run. */
  input?: unknown;
  trigger?: unknown;
  env: string[];
  secrets: string[];
  filters: string[];
}

export interface Completion {
  label: string;
  detail: string;
}

export interface CompletionResult {
  /** Where the word being completed starts, as an offset into `before`. */
  from: number;
  options: Completion[];
}

const ROOTS: Completion[] = [
  { label: 'input', detail: 'the first delivered input' },
  { label: 'inputs', detail: 'all inputs, in edge order' },
  { label: 'nodes', detail: 'nodes.<id>.output' },
  { label: 'trigger', detail: 'the trigger data (body, query, params, headers)' },
  { label: 'env', detail: 'project environment variables' },
  { label: 'secrets', detail: 'project secrets (names only)' },
  { label: 'run', detail: 'id, startedAt' },
  { label: 'loop', detail: 'index, item, total (inside a loop body)' },
  { label: 'workflow', detail: 'this workflow' },
  { label: 'project', detail: 'this project' },
  { label: 'now', detail: 'epoch ms' },
];

function keysOf(value: unknown): Completion[] {
  if (Array.isArray(value)) return [{ label: '0', detail: `list of ${value.length}` }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>)
    .slice(0, 200)
    .map(([key, v]) => ({ label: key, detail: Array.isArray(v) ? `list of ${v.length}` : v === null ? 'null' : typeof v }));
}

function walk(value: unknown, path: string[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Object.hasOwn(current, part) ? (current as Record<string, unknown>)[part] : undefined;
  }
  return current;
}

/** What the path `root.a.b` (without the word being typed) offers next. */
function membersOf(path: string[], context: ExpressionContext): Completion[] {
  const [root, ...rest] = path;
  switch (root) {
    case 'nodes': {
      if (rest.length === 0) return context.nodes.map((n) => ({ label: n.id, detail: 'node' }));
      const node = context.nodes.find((n) => n.id === rest[0]);
      if (!node) return [];
      if (rest.length === 1) return [{ label: 'output', detail: 'its output in this run' }];
      return rest[1] === 'output' ? keysOf(walk(node.output, rest.slice(2))) : [];
    }
    case 'input':
      return keysOf(walk(context.input, rest));
    case 'trigger':
      return rest.length === 0 && context.trigger === undefined
        ? ['body', 'query', 'params', 'headers', 'type'].map((k) => ({ label: k, detail: 'trigger data' }))
        : keysOf(walk(context.trigger, rest));
    case 'env':
      return rest.length === 0 ? context.env.map((name) => ({ label: name, detail: 'environment variable' })) : [];
    case 'secrets':
      return rest.length === 0 ? context.secrets.map((name) => ({ label: name, detail: 'secret' })) : [];
    case 'run':
      return rest.length === 0 ? [{ label: 'id', detail: 'run id' }, { label: 'startedAt', detail: 'epoch ms' }] : [];
    case 'loop':
      return rest.length === 0 ? ['index', 'item', 'total'].map((k) => ({ label: k, detail: 'loop' })) : [];
    default:
      return [];
  }
}

/**
 * Completions at the end of `before` (the field's text up to the cursor), or undefined when the
 * cursor is not inside an open `{{`.
 */
export function completeExpression(before: string, context: ExpressionContext): CompletionResult | undefined {
  const open = before.lastIndexOf('{{');
  if (open < 0 || before.lastIndexOf('}}') > open) return undefined;
  const inside = before.slice(open + 2);
  // After a pipe: a filter name.
  const filter = /\|\s*([A-Za-z_]*)$/.exec(inside);
  if (filter) {
    const word = filter[1]!;
    return { from: before.length - word.length, options: context.filters.filter((f) => f.startsWith(word)).map((f) => ({ label: f, detail: 'filter' })) };
  }
  const chain = /([A-Za-z_$][\w$-]*(?:\.[\w$-]*)*)$/.exec(inside);
  const text = chain?.[1] ?? '';
  const parts = text.split('.');
  const word = parts.pop() ?? '';
  const options = parts.length === 0 ? ROOTS : membersOf(parts, context);
  return { from: before.length - word.length, options: options.filter((o) => o.label.startsWith(word) && o.label !== word) };
}
