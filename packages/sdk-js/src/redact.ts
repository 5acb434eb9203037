/**
 * Which keys hold secrets: the same rules as the Python SDK (sdk/python/src/runtime_hub/_redact.py).
 * Matching is on the key, never on the value. Keys are normalised first (camelCase split, lower
 * case, every run of non-alphanumerics -> "_"), so "apiKey", "API-KEY" and "api_key" all read
 * "api_key"; `auth_token` and `Authorization` are redacted, `author`, `max_tokens` and
 * `input_tokens` are not.
 */
export const REDACTED = '[REDACTED]';

export const DEFAULT_PATTERNS: readonly string[] = [
  'passw(or)?d',
  'passphrase',
  '(^|_)pass(_|$)',
  '(^|_)pwd(_|$)',
  'secret',
  // "token" and "access_token" are secrets; "tokens", "max_tokens" and "token_count" are numbers.
  '(?<!max_)(?<!num_)token(?!s|_?count|_?limit|izer|_?usage|_?ids?(_|$))',
  'api_?key',
  'access_?key',
  'auth(?!or(s|ed|ity|ities|ship)?(_|$))', // authorization, auth_token, oauth; not author(s), authority
  'credential',
  'session',
  'cookie',
  'private_?key',
  'credit_?card',
  'card_?number',
  '(^|_)cvc(_|$)',
  '(^|_)cvv(_|$)',
  '(^|_)ssn(_|$)',
  '(^|_)jwt(_|$)',
  'bearer',
  'signing_?key',
  'client_?secret',
];
const DEFAULTS = new RegExp(DEFAULT_PATTERNS.join('|'));

const CACHE_LIMIT = 4096;

export function normalise(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}

export class Redactor {
  private readonly defaults: RegExp | undefined;
  private readonly custom: RegExp[];
  private readonly cache = new Map<string, boolean>();

  /** `extra`: regular expressions matched case-insensitively against the raw key. */
  constructor(extra: readonly string[], useDefaults: boolean) {
    this.defaults = useDefaults ? DEFAULTS : undefined;
    this.custom = extra.map((pattern) => {
      try {
        return new RegExp(pattern, 'i');
      } catch {
        return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
      }
    });
  }

  /** True when values under this key must not leave the process. */
  isSensitive(key: string): boolean {
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = (this.defaults !== undefined && this.defaults.test(normalise(key))) || this.custom.some((re) => re.test(key));
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, hit);
    }
    return hit;
  }
}
