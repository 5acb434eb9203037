import { useState } from 'react';
import { copyText } from '../lib/clipboard';
import { CopyIcon } from './icons';

/** A small button that copies text and says so for a moment. */
export function CopyButton({ text, label, className = '' }: { text: () => string; label: string; className?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      title={label}
      aria-label={label}
      className={`inline-flex items-center gap-1 rounded px-1 text-[11px] text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-zinc-100 ${className}`}
      onClick={(e) => {
        e.stopPropagation();
        void copyText(text()).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1200);
        });
      }}
    >
      {done ? 'copied' : <CopyIcon width={12} height={12} />}
    </button>
  );
}
