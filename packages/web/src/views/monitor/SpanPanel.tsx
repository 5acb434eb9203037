import { lazy, Suspense } from 'react';
import { useFamily, useSpan } from '../../hooks/use-span';

const SpanDetail = lazy(() => import('../../components/SpanDetail').then((m) => ({ default: m.SpanDetail })));

/** The call detail of a span chosen by id, loading it and its parent and children. */
export function SpanPanel({ spanId, onSelect, onClose }: { spanId: string; onSelect(spanId: string): void; onClose?: () => void }) {
  const { span, error } = useSpan(spanId);
  const family = useFamily(span);
  if (!span) {
    return <div className="p-4 text-sm text-zinc-500">{error ?? 'Loading…'}</div>;
  }
  return (
    <Suspense fallback={<div className="p-4 text-sm text-zinc-500">Loading…</div>}>
      <SpanDetail
        span={span}
        parent={family.parent}
        childSpans={family.children}
        childrenTruncated={family.truncated}
        onSelect={onSelect}
        {...(onClose ? { onClose } : {})}
      />
    </Suspense>
  );
}
