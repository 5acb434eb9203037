import type { Expr } from './ast.js';

/**
 * Secret taint. The rule: a value computed by an expression that reads `secrets` is itself a
 * secret, whatever happens to it on the way — filters, arithmetic, concatenation, interpolation
 * into a text, object and array literals, conditionals. The check is on the syntax tree, so it
 * holds for every filter, present or future, without any filter knowing about it.
 */

/** Told about every value an expression derived from secrets, with the secrets' names. */
export type SecretTaint = (value: unknown, names: readonly string[]) => void;

/** Read through a computed key (`secrets[input.name]`) or whole (`secrets | values`). */
export const ANY_SECRET = '*';

/**
 * The names of the secrets an expression reads, `[]` when it reads none. `secrets.NAME` and
 * `secrets["NAME"]` give the name; any other use of `secrets` gives {@link ANY_SECRET}.
 */
export function secretsRead(expr: Expr): string[] {
  const names = new Set<string>();
  const visit = (node: Expr): void => {
    switch (node.kind) {
      case 'name':
        if (node.name === 'secrets') names.add(ANY_SECRET);
        return;
      case 'member': {
        const key = node.property;
        if (node.object.kind === 'name' && node.object.name === 'secrets') {
          names.add(key.kind === 'literal' && typeof key.value === 'string' ? key.value : ANY_SECRET);
        } else {
          visit(node.object);
        }
        visit(key);
        return;
      }
      case 'unary':
        visit(node.operand);
        return;
      case 'binary':
        visit(node.left);
        visit(node.right);
        return;
      case 'conditional':
        visit(node.test);
        visit(node.then);
        visit(node.otherwise);
        return;
      case 'filter':
        visit(node.input);
        node.args.forEach(visit);
        return;
      case 'array':
        node.items.forEach(visit);
        return;
      case 'object':
        for (const entry of node.entries) visit(entry.value);
        return;
      case 'literal':
        return;
    }
  };
  visit(expr);
  return [...names].sort();
}
