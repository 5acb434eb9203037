import type { StickyNote } from '@runtime-hub/protocol';
import type { Workflow } from './changes';
import { freshId } from './graph';

/** A new, empty sticky note at `position` with an id no other note of the workflow has. */
export function newSticky(workflow: Workflow, position: { x: number; y: number }): StickyNote {
  return { id: freshId('note', (workflow.stickyNotes ?? []).map((n) => n.id)), text: '', position, width: 240, height: 140 };
}
