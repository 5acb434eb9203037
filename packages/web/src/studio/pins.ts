import type { NodeDefinition, NodeTypeInfo } from '@runtime-hub/protocol';
import { outputsOf } from './graph';

/**
 * Whether a node's output can be pinned: a pinned output leaves on `main`, so triggers, loops and
 * nodes without a `main` output (conditions, switches) cannot be (the hub's validator agrees).
 */
export function canPin(node: NodeDefinition, type: NodeTypeInfo | undefined): boolean {
  if (node.type === 'trigger' || node.type === 'loop') return false;
  return outputsOf(node, type).includes('main');
}

/** JSON typed by the user: its value, or a message saying what is wrong. Empty text is refused. */
export function parseJsonText(text: string): { value: unknown } | { error: string } {
  if (text.trim() === '') return { error: 'Enter a JSON value (for example {} or "text").' };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `Not JSON: ${(error as Error).message}` };
  }
}

/** Pretty JSON for an editor, `null` for undefined. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value ?? null, null, 2);
}
