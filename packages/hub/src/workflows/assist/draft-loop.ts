import type { LlmMessage } from '@runtime-hub/engine';
import { repairRequest } from './prompts.js';

export interface Issue {
  code: string;
  message: string;
  path: string;
  nodeId?: string;
}

export interface DraftResult {
  /** The last draft (parsed), or null when the model never answered a JSON object. */
  workflow: unknown;
  valid: boolean;
  /** The validator's issues with the last draft (empty when valid). */
  issues: Issue[];
  warnings: Issue[];
  /** Model calls made: 1 + repair rounds. */
  rounds: number;
}

/** The first JSON object in a model's answer, with or without a ```json fence around it. */
export function parseDraft(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const body = (fenced ? fenced[1]! : text).trim();
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const value = JSON.parse(body.slice(start, end + 1)) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Asks for a draft, validates it with the same validator a save uses, and while it is invalid
 * sends the issues back for at most `maxRepairs` rounds; then returns the last draft with the
 * issues left. An answer that is not JSON counts as an issue too (`not_json`).
 */
export async function draftWithRepairs(
  messages: LlmMessage[],
  complete: (messages: LlmMessage[]) => Promise<string>,
  validate: (draft: unknown) => { errors: Issue[]; warnings: Issue[] },
  maxRepairs = 2,
): Promise<DraftResult> {
  const conversation = [...messages];
  let last: DraftResult = { workflow: null, valid: false, issues: [], warnings: [], rounds: 0 };
  for (let round = 0; round <= maxRepairs; round++) {
    const text = await complete(conversation);
    const draft = parseDraft(text);
    const checked = draft === undefined ? { errors: [{ code: 'not_json', message: 'the answer was not a JSON object', path: '' }], warnings: [] } : validate(draft);
    last = { workflow: draft ?? last.workflow, valid: checked.errors.length === 0, issues: checked.errors, warnings: checked.warnings, rounds: round + 1 };
    if (last.valid) return last;
    conversation.push({ role: 'assistant', content: text }, { role: 'user', content: repairRequest(checked.errors) });
  }
  return last;
}
