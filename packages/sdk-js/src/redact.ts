/**
 * Which object keys hold secrets. A key is split into words (camelCase, snake_case, kebab-case);
 * unambiguous names match anywhere ("dbPassword", "client_secret"), short ones only as whole words
 * or id suffixes, so `auth_token` and `Authorization` are redacted but `author`, `max_tokens` and
 * `input_tokens` are not.
 */
export const REDACTED = '[redacted]';

const ANYWHERE = [
  'password',
  'passwd',
  'secret',
  'credential',
  'apikey',
  'privatekey',
  'creditcard',
  'cardnumber',
  'cookie',
  'authorization',
  'authentication',
];
const WORDS = new Set(['token', 'auth', 'session', 'sessionid', 'jwt', 'bearer', 'cvv']);

const CACHE_LIMIT = 2048;

export class Redactor {
  private readonly extra: string[];
  private readonly defaults: boolean;
  private readonly cache = new Map<string, boolean>();

  constructor(extra: readonly string[], defaults: boolean) {
    this.extra = extra.map(normalize).filter((e) => e.length > 0);
    this.defaults = defaults;
  }

  /** True when values under this key must not leave the process. */
  isSensitive(key: string): boolean {
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = this.decide(key);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, hit);
    }
    return hit;
  }

  private decide(key: string): boolean {
    const flat = normalize(key);
    if (flat.length === 0) return false;
    for (const entry of this.extra) if (flat.includes(entry)) return true;
    if (!this.defaults) return false;
    for (const entry of ANYWHERE) if (flat.includes(entry)) return true;
    // "accessToken", "x-auth-token", "idToken": ends in token; "authKey", "authHeader": starts with
    // auth but not author/authority.
    if (flat.endsWith('token') || (flat.startsWith('auth') && !flat.startsWith('author'))) return true;
    for (const word of words(key)) if (WORDS.has(word)) return true;
    return false;
  }
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}
