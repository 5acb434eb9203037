import { useEffect } from 'react';

/** A keyboard shortcut of the whole dashboard. */
export interface Shortcut {
  key: string;
  /** Shown in the help dialog and the menus. */
  label: string;
  description: string;
  run: () => void;
}

/** Whether a key event comes from a text field (where letters are typing, not commands). */
export function isTyping(target: EventTarget | null): boolean {
  let el = target as HTMLElement | null;
  // Events from inside a shadow root (the studio's expression editors) arrive retargeted to its host.
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement as HTMLElement;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Installs single-key shortcuts; ignored while typing, with modifiers, or when a dialog is open. */
export function useShortcuts(shortcuts: Shortcut[]): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const shortcut = shortcuts.find((s) => s.key === e.key);
      if (!shortcut) return;
      e.preventDefault();
      shortcut.run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcuts]);
}
