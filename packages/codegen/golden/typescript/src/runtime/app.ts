import type { ProjectManifest, WorkflowDef } from './types.js';

/**
 * The exported project inside the app: its manifest, environment and secrets (read from the
 * process environment by name, never from files), its workflows by id, and secret masking.
 */
export class ProjectApp {
  readonly startedAt = Date.now();

  constructor(
    readonly project: ProjectManifest,
    readonly workflows: Record<string, WorkflowDef>,
    readonly nodeFields: Record<string, unknown[]>,
    readonly secretNames: string[],
  ) {}

  /** The project's variables (defaults from the export), overridden by the process environment. */
  env(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.project.env)) out[name] = process.env[name] ?? value;
    return out;
  }

  secrets(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.secretNames) {
      const value = process.env[name];
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  /** Replaces each secret value (4+ characters) by [secret:NAME] wherever it occurs in a text. */
  mask<T>(value: T): T {
    const secrets = Object.entries(this.secrets()).filter(([, text]) => text.length >= 4);
    return secrets.length === 0 ? value : (maskValue(value, secrets) as T);
  }
}

function maskValue(value: unknown, secrets: [string, string][]): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const [name, secret] of secrets) if (text.includes(secret)) text = text.split(secret).join(`[secret:${name}]`);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => maskValue(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, secrets)]));
  }
  return value;
}
