import { permanent } from '../../errors.js';
import type { NodeType } from '../types.js';

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let current = target;
  keys.forEach((key, i) => {
    if (FORBIDDEN.has(key) || key === '') throw permanent('CONFIG_INVALID', `field name "${dotted}" is not allowed`, `fields.${dotted}`);
    if (i === keys.length - 1) {
      current[key] = value;
      return;
    }
    const next = current[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Builds an object from named fields; `a.b` names nest. */
export const setNode: NodeType = {
  info: {
    type: 'set',
    name: 'Set fields',
    category: 'data',
    description: 'Outputs an object whose fields are computed from expressions. A field named "a.b" sets a nested field.',
    fields: [
      {
        name: 'fields',
        label: 'Fields',
        type: 'map',
        required: true,
        help: 'Field name → value. Values may use {{ expressions }}; a value that is exactly one expression keeps its type.',
        placeholder: '{ "message": "Hello, {{ trigger.body.name }}!" }',
      },
      {
        name: 'keepInput',
        label: 'Keep input fields',
        type: 'boolean',
        default: false,
        help: 'Start from the input object and set the fields on it, instead of starting empty.',
      },
    ],
    outputs: ['main'],
  },
  inline: true,
  run: ({ config, input }) => {
    const base: Record<string, unknown> = config.keepInput === true && isRecord(input) ? structuredClone(input) : {};
    const fields = isRecord(config.fields) ? config.fields : {};
    for (const [name, value] of Object.entries(fields)) setPath(base, name, value);
    return { output: base };
  },
};

/** Outputs any JSON value built from expressions. */
export const transformNode: NodeType = {
  info: {
    type: 'transform',
    name: 'Transform',
    category: 'data',
    description: 'Outputs one value built from expressions: an object, a list, a text or a single expression\'s result.',
    fields: [
      {
        name: 'value',
        label: 'Value',
        type: 'json',
        required: true,
        help: 'Any JSON; strings may use {{ expressions }}. Example: {"total": "{{ input.items | map(\\"price\\") | sum }}"}',
      },
    ],
    outputs: ['main'],
  },
  inline: true,
  run: ({ config }) => ({ output: config.value }),
};
