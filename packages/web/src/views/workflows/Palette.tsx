import type { NodeTypeInfo } from '@runtime-hub/protocol';
import { NODE_CATEGORIES } from '../../studio/constants';
import { useMemo, useState } from 'react';
import { PALETTE_MIME } from './Canvas';
import { CATEGORY_STYLE } from './StudioNode';

const CATEGORY_LABEL: Record<string, string> = { trigger: 'Trigger', action: 'Actions', logic: 'Logic', data: 'Data', ai: 'AI', flow: 'Flow' };

/** Node types by category, searchable; drag one onto the canvas, or click to add it after the selected node. */
export function Palette({ types, onAdd, hasTrigger }: { types: NodeTypeInfo[]; onAdd: (type: string) => void; hasTrigger: boolean }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matching = types.filter((t) => !(t.type === 'trigger' && hasTrigger) && (!q || `${t.name} ${t.type} ${t.description}`.toLowerCase().includes(q)));
    return NODE_CATEGORIES.map((category) => ({ category, items: matching.filter((t) => t.category === category) })).filter((g) => g.items.length > 0);
  }, [types, query, hasTrigger]);
  return (
    <aside aria-label="Node palette" className="flex w-52 shrink-0 flex-col border-r border-zinc-200 dark:border-zinc-800">
      <input
        type="search"
        aria-label="Search nodes"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        className="m-2 rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      />
      <div className="min-h-0 flex-1 overflow-auto px-2 pb-2">
        {groups.map((group) => (
          <section key={group.category} className="mb-2">
            <h3 className="px-1 py-1 text-[10px] font-semibold uppercase tracking-wide text-zinc-500">{CATEGORY_LABEL[group.category] ?? group.category}</h3>
            {group.items.map((t) => {
              const style = CATEGORY_STYLE[t.category] ?? CATEGORY_STYLE.flow!;
              return (
                <button
                  key={t.type}
                  type="button"
                  draggable
                  data-testid={`palette-${t.type}`}
                  title={t.description}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(PALETTE_MIME, t.type);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                  onClick={() => onAdd(t.type)}
                  className="mb-0.5 flex w-full cursor-grab items-center gap-2 rounded px-1.5 py-1 text-left text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800"
                >
                  <span className={`flex size-5 shrink-0 items-center justify-center rounded text-[10px] ${style.badge}`} aria-hidden>
                    {style.glyph}
                  </span>
                  <span className="truncate">{t.name}</span>
                </button>
              );
            })}
          </section>
        ))}
        {groups.length === 0 ? <p className="px-1 text-xs text-zinc-500">No node matches.</p> : null}
      </div>
    </aside>
  );
}
