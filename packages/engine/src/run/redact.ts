import { permanent } from '../errors.js';
import { ANY_SECRET } from '../expr/index.js';

/** Derived values one run may register; beyond it a node fails rather than leave one unmasked. */
export const MAX_DERIVED_SECRETS = 1000;

/**
 * Replaces secret values wherever they appear in a value (strings and object keys, at any
 * depth) with `[secret:NAME]`. Applied to everything a node produces before it is stored,
 * passed on, answered or emitted as a span — so a node that echoes a secret (an HTTP API that
 * reflects a header, a command that prints a token) never leaks it.
 *
 * Values *derived* from secrets by expressions (`{{ secrets.TOKEN | base64 }}`, see
 * expr/taint.ts) are registered with {@link derive} as the run resolves node configs, and are
 * masked the same way from then on: texts wherever they occur, numbers where they stand alone
 * (object keys of a derived object are its structure and are not registered).
 */
export class Redactor {
  private entries: { value: string; replacement: string }[] = [];
  private readonly known = new Set<string>();
  private readonly numbers = new Map<number, string>();
  private derived = 0;

  /** Secrets shorter than `minLength` are not searched for (they would match everywhere). */
  constructor(
    secrets: Record<string, string>,
    private readonly minLength = 4,
  ) {
    for (const [name, value] of Object.entries(secrets)) if (typeof value === 'string') this.add(value, `[secret:${name}]`);
  }

  get active(): boolean {
    return this.entries.length > 0 || this.numbers.size > 0;
  }

  /** Registers every text and number inside `value` (an expression's result) as secret. */
  derive(value: unknown, names: readonly string[]): void {
    const replacement = `[secret:${names.includes(ANY_SECRET) ? '*' : names.join(',')}]`;
    const visit = (item: unknown, depth: number): void => {
      if (typeof item === 'string') this.addDerived(item, replacement);
      else if (typeof item === 'number' && Number.isFinite(item) && String(item).length >= this.minLength) {
        this.numbers.set(item, replacement);
        this.addDerived(String(item), replacement);
      } else if (item !== null && typeof item === 'object' && depth < 200) {
        // Keys are the structure (`entries` gives `key` and `value`), not data: only what is inside.
        for (const child of Object.values(item)) visit(child, depth + 1);
      }
    };
    visit(value, 0);
  }

  private addDerived(text: string, replacement: string): void {
    // A text that already holds a masked value (`Bearer <token>`) stays readable around it.
    if (text.length < this.minLength || this.known.has(text) || this.text(text) !== text) return;
    if (++this.derived > MAX_DERIVED_SECRETS) {
      throw permanent('EXPRESSION_ERROR', `more than ${MAX_DERIVED_SECRETS} distinct values derived from secrets in one run; each must be masked, so the run stops here`);
    }
    this.add(text, replacement);
  }

  private add(value: string, replacement: string): void {
    if (value.length < this.minLength || this.known.has(value)) return;
    this.known.add(value);
    this.entries.push({ value, replacement });
    // The JSON-escaped form too: a body that embeds the secret inside a JSON string.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value && !this.known.has(escaped)) {
      this.known.add(escaped);
      this.entries.push({ value: escaped, replacement });
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.entries.sort((a, b) => b.value.length - a.value.length);
  }

  text(text: string): string {
    let out = text;
    for (const { value, replacement } of this.entries) if (out.includes(value)) out = out.split(value).join(replacement);
    return out;
  }

  /** A redacted copy when something had to change; the same value otherwise. */
  value<T>(value: T): T {
    if (!this.active) return value;
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value === 'number') return this.numbers.get(value) ?? value;
    if (value === null || typeof value !== 'object' || depth > 200) return value;
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((item) => {
        const next = this.walk(item, depth + 1);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? out : value;
    }
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const nextKey = this.text(key);
      const next = this.walk(item, depth + 1);
      if (next !== item || nextKey !== key) changed = true;
      out[nextKey] = next;
    }
    return changed ? out : value;
  }
}
