import { childrenOf } from './ast.js';
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
    if (node.kind === 'name' && node.name === 'secrets') names.add(ANY_SECRET);
    if (node.kind === 'member' && node.object.kind === 'name' && node.object.name === 'secrets') {
      const key = node.property;
      names.add(key.kind === 'literal' && typeof key.value === 'string' ? key.value : ANY_SECRET);
      visit(key);
      return;
    }
    for (const child of childrenOf(node)) visit(child);
  };
  visit(expr);
  return [...names].sort();
}
