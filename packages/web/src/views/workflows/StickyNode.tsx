import type { StickyNote } from '@runtime-hub/protocol';
import { NodeResizer, type Node, type NodeProps } from '@xyflow/react';
import { createContext, memo, useContext, useState } from 'react';
import type { WorkflowChange } from '../../studio/changes';

export interface StickyNodeData extends Record<string, unknown> {
  note: StickyNote;
}
export type StickyFlowNode = Node<StickyNodeData, 'sticky'>;

/** Flow ids of sticky notes carry a prefix, so they never collide with workflow node ids. */
export const STICKY_PREFIX = 'sticky:';

/** How sticky notes report edits: the canvas provides it (absent on read-only canvases). */
export const StickyEdits = createContext<((change: WorkflowChange, key?: string) => void) | null>(null);

const COLORS: Record<string, string> = {
  yellow: 'bg-amber-100 border-amber-300 text-amber-950 dark:bg-amber-950/70 dark:border-amber-800 dark:text-amber-100',
  blue: 'bg-sky-100 border-sky-300 text-sky-950 dark:bg-sky-950/70 dark:border-sky-800 dark:text-sky-100',
  green: 'bg-emerald-100 border-emerald-300 text-emerald-950 dark:bg-emerald-950/70 dark:border-emerald-800 dark:text-emerald-100',
  pink: 'bg-pink-100 border-pink-300 text-pink-950 dark:bg-pink-950/70 dark:border-pink-800 dark:text-pink-100',
  gray: 'bg-zinc-100 border-zinc-300 text-zinc-900 dark:bg-zinc-800 dark:border-zinc-600 dark:text-zinc-100',
};
const NEXT_COLOR: Record<string, StickyNote['color']> = { yellow: 'blue', blue: 'green', green: 'pink', pink: 'gray', gray: 'yellow' };

/**
 * A sticky note on the canvas: plain text (rendered as React text, never as HTML), double-click to
 * edit, resizable when selected, moved like a node. Every edit is an `updateSticky` change, so
 * undo covers it.
 */
function StickyNodeView({ data, selected }: NodeProps<StickyFlowNode>) {
  const { note } = data;
  const onChange = useContext(StickyEdits);
  const [editing, setEditing] = useState(false);
  const color = note.color ?? 'yellow';
  return (
    <div
      className={`h-full w-full overflow-hidden rounded-md border p-2 text-xs shadow-sm ${COLORS[color] ?? COLORS.yellow} ${selected ? 'ring-2 ring-indigo-400' : ''}`}
      data-testid={`sticky-${note.id}`}
      onDoubleClick={() => onChange && setEditing(true)}
    >
      {onChange ? (
        <NodeResizer
          isVisible={selected}
          minWidth={60}
          minHeight={40}
          onResizeEnd={(_, p) =>
            onChange({ type: 'updateSticky', id: note.id, patch: { width: Math.round(p.width), height: Math.round(p.height), position: { x: Math.round(p.x), y: Math.round(p.y) } } })
          }
        />
      ) : null}
      {editing && onChange ? (
        <textarea
          aria-label="Note text"
          autoFocus
          className="nodrag nowheel h-full w-full resize-none bg-transparent outline-none"
          defaultValue={note.text}
          maxLength={10_000}
          onBlur={(e) => {
            setEditing(false);
            if (e.target.value !== note.text) onChange({ type: 'updateSticky', id: note.id, patch: { text: e.target.value } });
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
        />
      ) : (
        <>
          <div className="h-full whitespace-pre-wrap break-words" data-testid="sticky-text">
            {note.text || <span className="opacity-50">Double-click to write a note</span>}
          </div>
          {selected && onChange ? (
            <button
              type="button"
              title="Change colour"
              aria-label="Change note colour"
              className="nodrag absolute right-1 top-1 size-4 rounded-full border border-current opacity-60 hover:opacity-100"
              onClick={() => onChange({ type: 'updateSticky', id: note.id, patch: { color: NEXT_COLOR[color] } })}
            />
          ) : null}
        </>
      )}
    </div>
  );
}

export const StickyNode = memo(StickyNodeView);
