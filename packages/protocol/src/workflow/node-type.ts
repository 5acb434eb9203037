/**
 * How a node type describes itself, so the editor can build its property panel from the registry
 * (`GET /api/v1/node-types`) without knowing any node type in advance.
 */

export const FIELD_TYPES = [
  /** One line of text; expressions allowed. */
  'string',
  /** Several lines of text (a prompt, a body); expressions allowed. */
  'text',
  'number',
  'boolean',
  /** A value computed by one expression, kept with its type: `{{ input.age >= 18 }}`. */
  'expression',
  /** One of `options`. */
  'select',
  /** Any JSON value; expressions allowed in its strings. */
  'json',
  /** Source code; never treated as a template. */
  'code',
  /** A map of names to values (headers, fields, env). */
  'map',
  /** A duration: milliseconds, or a string like "30s", "5m", "48h". */
  'duration',
  /** The id of another workflow of the same project. */
  'workflow',
  /** A list of values (switch cases). */
  'list',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldOption {
  value: string;
  label: string;
}

export interface FieldSpec {
  name: string;
  label: string;
  type: FieldType;
  required?: boolean;
  default?: unknown;
  help: string;
  options?: FieldOption[];
  placeholder?: string;
  /** False when `{{ … }}` in the value is kept literally (code, for instance). Default true. */
  expressions?: boolean;
  /** Show the field only when another field has one of these values. */
  showIf?: { field: string; equals: unknown[] };
  min?: number;
  max?: number;
}

export const NODE_CATEGORIES = ['trigger', 'action', 'logic', 'data', 'ai', 'flow'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

export interface NodeTypeInfo {
  type: string;
  name: string;
  category: NodeCategory;
  description: string;
  fields: FieldSpec[];
  /**
   * The outputs edges can leave from. `main` for most nodes; a condition has `true` / `false`,
   * a switch one per case plus `default`, a loop `item` / `done`. Dynamic outputs are listed
   * with `dynamicOutputs` naming the config field they come from.
   */
  outputs: string[];
  dynamicOutputs?: string;
  /** A project setting that must be on for the node to run (`allowShell`, `allowCode`). */
  requires?: 'allowShell' | 'allowCode';
}

export interface TriggerTypeInfo {
  type: 'manual' | 'webhook' | 'cron';
  name: string;
  description: string;
  fields: FieldSpec[];
}
