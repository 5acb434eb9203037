import { useMemo } from 'react';
import type { Span } from '../../api/types';
import { type ChatMessage, type ChatPart, llmCallOf } from '../../agents/conversation';
import { AnnotationMarks, type MarksBySpan } from '../../components/AnnotationMarks';
import { JsonViewer } from '../../components/JsonViewer';
import { formatCount, formatDuration, formatUsd } from '../../lib/format';

const ROLE_STYLE: Record<string, string> = {
  system: 'border-zinc-300 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900',
  user: 'border-indigo-200 bg-indigo-50 dark:border-indigo-900 dark:bg-indigo-950/40',
  assistant: 'border-emerald-200 bg-emerald-50 dark:border-emerald-900 dark:bg-emerald-950/40',
  tool: 'border-amber-200 bg-amber-50 dark:border-amber-900 dark:bg-amber-950/40',
};

/** Each LLM call of the run as a chat: messages in, messages out, with model, tokens, cost and timing. */
export function ConversationTab({ spans, onSelect, marks }: { spans: Span[]; onSelect(id: string): void; marks: MarksBySpan }) {
  const calls = useMemo(() => spans.filter((s) => s.kind === 'llm').map(llmCallOf), [spans]);
  if (calls.length === 0) return <p className="p-6 text-sm text-zinc-500">This run has no LLM calls.</p>;
  return (
    <div className="flex flex-col gap-4 p-4" data-testid="conversation">
      {calls.map((call, i) => (
        <section key={call.span.spanId} className="rounded-lg border border-zinc-200 dark:border-zinc-800" data-testid="llm-call" data-span-id={call.span.spanId} data-running={call.running || undefined}>
          <header className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-zinc-200 px-3 py-2 text-xs dark:border-zinc-800">
            <button type="button" className="font-mono font-semibold hover:underline" onClick={() => onSelect(call.span.spanId)}>
              #{i + 1} {call.span.name}
            </button>
            <AnnotationMarks marks={marks.get(call.span.spanId)} />
            {call.model ? <span className="font-mono text-zinc-600 dark:text-zinc-400">{call.model}</span> : null}
            {call.running ? (
              <span className="animate-pulse rounded bg-sky-100 px-1.5 text-sky-800 dark:bg-sky-950 dark:text-sky-300" data-testid="llm-running">
                streaming…
              </span>
            ) : (
              <span className="text-zinc-500">{formatDuration(call.span.durationMs)}</span>
            )}
            <span className="text-zinc-500">
              {formatCount(call.span.usage?.inputTokens ?? 0)} in · {formatCount(call.span.usage?.outputTokens ?? 0)} out
            </span>
            <span className="text-zinc-500">{call.span.usage?.costUsd !== undefined ? formatUsd(call.span.usage.costUsd) : call.span.usage?.inputTokens ? 'no price' : ''}</span>
            {call.finishReason ? <span className="rounded bg-zinc-100 px-1.5 dark:bg-zinc-800" data-testid="finish-reason">finish: {call.finishReason}</span> : null}
            {Object.keys(call.params).length > 0 ? (
              <span className="font-mono text-zinc-500">
                {Object.entries(call.params)
                  .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
                  .join(' ')}
              </span>
            ) : null}
            {call.span.status === 'error' ? <span className="text-red-600">{call.span.error?.message ?? 'error'}</span> : null}
          </header>
          <div className="flex flex-col gap-2 p-3">
            {call.input.map((m, k) => (
              <Message key={`in${k}`} message={m} />
            ))}
            {call.output.map((m, k) => (
              <Message key={`out${k}`} message={m} />
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}

function Message({ message }: { message: ChatMessage }) {
  return (
    <div className={`rounded border px-3 py-2 ${ROLE_STYLE[message.role] ?? ROLE_STYLE.system}`} data-testid="chat-message" data-role={message.role}>
      <div className="mb-1 text-[10px] font-semibold uppercase tracking-wide text-zinc-500">
        {message.role}
        {message.finishReason ? ` · ${message.finishReason}` : ''}
      </div>
      <div className="flex flex-col gap-1.5">
        {message.parts.map((part, i) => (
          <Part key={i} part={part} />
        ))}
      </div>
    </div>
  );
}

/** Message text is React text in a <pre>: markdown shows as written, HTML never becomes markup. */
function Part({ part }: { part: ChatPart }) {
  switch (part.type) {
    case 'text':
      return <pre className="whitespace-pre-wrap break-words font-sans text-sm" data-testid="chat-text">{part.text}</pre>;
    case 'reasoning':
      return <pre className="whitespace-pre-wrap break-words border-l-2 border-zinc-300 pl-2 font-sans text-xs italic text-zinc-500">{part.text}</pre>;
    case 'tool_call':
      return (
        <div data-testid="chat-tool-call">
          <div className="mb-1 font-mono text-xs">
            → call <strong>{part.name}</strong> {part.id ? <span className="text-zinc-500">{part.id}</span> : null}
          </div>
          <JsonViewer value={part.arguments} name="arguments" defaultDepth={2} />
        </div>
      );
    case 'tool_result':
      return (
        <div data-testid="chat-tool-result">
          <div className={`mb-1 font-mono text-xs ${part.isError ? 'text-red-600' : ''}`}>
            ← result {part.id ? <span className="text-zinc-500">{part.id}</span> : null}
            {part.isError ? ' (error)' : ''}
          </div>
          {typeof part.result === 'string' ? <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-words font-mono text-xs">{part.result}</pre> : <JsonViewer value={part.result} name="result" defaultDepth={2} />}
        </div>
      );
    default:
      return <JsonViewer value={part.value} name="content" defaultDepth={2} />;
  }
}
