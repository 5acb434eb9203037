/**
 * Replaces secret values wherever they appear in a value (strings and object keys, at any
 * depth) with `[secret:NAME]`. Applied to everything a node produces before it is stored,
 * passed on, answered or emitted as a span — so a node that echoes a secret (an HTTP API that
 * reflects a header, a command that prints a token) never leaks it.
 */
export class Redactor {
  private readonly entries: { value: string; replacement: string }[];

  /** Secrets shorter than `minLength` are not searched for (they would match everywhere). */
  constructor(secrets: Record<string, string>, minLength = 4) {
    this.entries = Object.entries(secrets)
      .filter(([, value]) => typeof value === 'string' && value.length >= minLength)
      .flatMap(([name, value]) => {
        const replacement = `[secret:${name}]`;
        const escaped = JSON.stringify(value).slice(1, -1);
        const forms = [{ value, replacement }];
        // The JSON-escaped form too: a body that embeds the secret inside a JSON string.
        if (escaped !== value) forms.push({ value: escaped, replacement });
        return forms;
      })
      .sort((a, b) => b.value.length - a.value.length);
  }

  get active(): boolean {
    return this.entries.length > 0;
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
