/** Names in generated code, derived from ids (lowercase slugs: `[a-z0-9][a-z0-9_-]*`). */

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type'.split(' '),
);

/** `send-mail` → `send_mail`; a leading digit or a keyword gets a `w_` prefix. */
export function pythonName(id: string): string {
  const name = id.replace(/-/g, '_');
  return /^[0-9]/.test(name) || PYTHON_KEYWORDS.has(name) ? `w_${name}` : name;
}

/** `send-mail` → `sendMail`; a leading digit gets a `w` prefix. */
export function tsName(id: string): string {
  const name = id.replace(/[-_]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return /^[0-9]/.test(name) ? `w${name}` : name;
}

/** `/users/:id/orders` → `/users/{id}/orders` (FastAPI and Starlette path parameters). */
export function fastapiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9._~-]+)/g, (_, name: string) => `{${name}}`);
}
