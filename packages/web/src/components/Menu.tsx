import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

export type MenuEntry =
  | { label: string; onSelect: () => void; shortcut?: string; checked?: boolean; disabled?: boolean }
  | { separator: true };

export interface MenuDef {
  label: string;
  items: MenuEntry[];
}

/**
 * A desktop-style menu bar: click a title to open its menu, hover to move between open menus,
 * arrow keys inside, Escape or a click elsewhere to close.
 */
export function MenuBar({ menus }: { menus: MenuDef[] }) {
  const [open, setOpen] = useState<number | null>(null);
  const bar = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open === null) return;
    const onDown = (e: MouseEvent) => {
      if (!bar.current?.contains(e.target as Node)) setOpen(null);
    };
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(null);
    };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  useEffect(() => {
    if (open === null) return;
    bar.current?.querySelector<HTMLElement>(`[data-menu="${open}"] [role^="menuitem"]:not([aria-disabled="true"])`)?.focus();
  }, [open]);

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (at + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
      items[next]?.focus();
    } else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && open !== null) {
      e.preventDefault();
      setOpen((open + (e.key === 'ArrowRight' ? 1 : -1) + menus.length) % menus.length);
    }
  };

  return (
    <div ref={bar} role="menubar" aria-label="Main menu" className="flex items-center gap-0.5">
      {menus.map((menu, i) => (
        <div key={menu.label} className="relative" data-menu={i}>
          <button
            type="button"
            role="menuitem"
            aria-haspopup="menu"
            aria-expanded={open === i}
            className={`rounded px-2 py-1 text-sm hover:bg-zinc-200 dark:hover:bg-zinc-800 ${open === i ? 'bg-zinc-200 dark:bg-zinc-800' : ''}`}
            onClick={() => setOpen(open === i ? null : i)}
            onMouseEnter={() => open !== null && setOpen(i)}
          >
            {menu.label}
          </button>
          {open === i ? (
            <div
              role="menu"
              aria-label={menu.label}
              onKeyDown={onMenuKey}
              className="absolute left-0 top-full z-50 mt-1 min-w-56 rounded-md border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
            >
              {menu.items.map((item, j) =>
                'separator' in item ? (
                  <div key={j} role="separator" className="my-1 border-t border-zinc-200 dark:border-zinc-700" />
                ) : (
                  <button
                    key={item.label}
                    type="button"
                    role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
                    aria-checked={item.checked}
                    aria-disabled={item.disabled}
                    disabled={item.disabled}
                    className="flex w-full items-center justify-between gap-6 px-3 py-1.5 text-left text-sm hover:bg-zinc-100 focus:bg-zinc-100 focus:outline-none disabled:opacity-40 dark:hover:bg-zinc-800 dark:focus:bg-zinc-800"
                    onClick={() => {
                      setOpen(null);
                      item.onSelect();
                    }}
                  >
                    <span className="flex items-center gap-2">
                      <span className="w-3 text-center">{item.checked ? '✓' : ''}</span>
                      {item.label}
                    </span>
                    {item.shortcut ? <kbd className="font-mono text-xs text-zinc-500">{item.shortcut}</kbd> : null}
                  </button>
                ),
              )}
            </div>
          ) : null}
        </div>
      ))}
    </div>
  );
}
