import { autocompletion, closeBrackets, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { useEffect, useRef } from 'react';
import { completeExpression, type ExpressionContext } from '../../studio/expressions';

const theme = EditorView.theme({
  '&': { fontSize: '12px', border: '1px solid rgb(212 212 216)', borderRadius: '4px', backgroundColor: 'transparent' },
  '&.cm-focused': { outline: '2px solid rgb(99 102 241)' },
  '.cm-content': { fontFamily: 'ui-monospace, monospace', padding: '3px 0' },
  '.cm-line': { padding: '0 6px' },
  '.cm-tooltip-autocomplete': { fontSize: '12px' },
});

/**
 * A config value with `{{ }}` expressions, on CodeMirror 6: completion of roots, node ids, output
 * field names from the last run, env, secret names, loop, run and filters. The value is plain
 * text; nothing typed here is ever evaluated in the browser.
 */
export function ExpressionField({
  value,
  onChange,
  context,
  multiline,
  label,
  placeholder,
  invalid,
}: {
  value: string;
  onChange: (value: string) => void;
  context: () => ExpressionContext;
  multiline?: boolean;
  label: string;
  placeholder?: string;
  invalid?: boolean;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const syncing = useRef(false);
  // What this editor last reported: a render that echoes it (even a late one) is not an outside change.
  const emitted = useRef(value);
  const latest = useRef({ onChange, context });
  latest.current = { onChange, context };

  useEffect(() => {
    const complete = (ctx: CompletionContext): CompletionResult | null => {
      const before = ctx.state.sliceDoc(0, ctx.pos);
      const result = completeExpression(before, latest.current.context());
      if (!result || (result.options.length === 0 && !ctx.explicit)) return null;
      return { from: result.from, options: result.options.map((o) => ({ label: o.label, detail: o.detail, type: 'property' })), validFor: /^[\w$-]*$/ };
    };
    // CodeMirror injects its styles with a <style> element, which the dashboard's CSP forbids; in
    // a shadow root it uses a constructed stylesheet instead, which the CSP allows.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const parent = document.createElement('div');
    shadow.replaceChildren(parent);
    const editor = new EditorView({
      parent,
      root: shadow,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          closeBrackets(),
          // Enter has no other use in a one-line field, so it may accept at once (the default
          // ignores it for 75 ms after the list opens, to protect typing newlines).
          autocompletion({ override: [complete], activateOnTyping: true, ...(multiline ? {} : { interactionDelay: 0 }) }),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          multiline ? EditorView.lineWrapping : EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr)),
          placeholderExt(placeholder ?? ''),
          theme,
          EditorView.theme({}, { dark: document.documentElement.classList.contains('dark') }),
          EditorView.contentAttributes.of({ 'aria-label': label, 'data-expression-field': 'true' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !syncing.current) {
              emitted.current = update.state.doc.toString();
              latest.current.onChange(emitted.current);
            }
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is created once; value changes from outside are synced below.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor && value !== emitted.current && editor.state.doc.toString() !== value) {
      emitted.current = value;
      syncing.current = true;
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
      syncing.current = false;
    }
  }, [value]);

  return <div ref={host} className={invalid ? 'rounded ring-1 ring-red-500' : ''} />;
}
