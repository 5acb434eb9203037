import { useLocation } from 'wouter';
import { SpanPanel } from './SpanPanel';

/** /spans/:spanId — one call on its own page (the link "copy link to this call" gives). */
export default function SpanPage({ spanId }: { spanId: string }) {
  const [, navigate] = useLocation();
  return (
    <div className="mx-auto flex min-h-0 w-full max-w-4xl flex-1 flex-col">
      <SpanPanel key={spanId} spanId={spanId} onSelect={(id) => navigate(`/spans/${id}`)} />
    </div>
  );
}
