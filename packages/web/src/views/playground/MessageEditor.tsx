import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { EditorState } from '@codemirror/state';
import { Decoration, EditorView, keymap, MatchDecorator, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { useEffect, useRef } from 'react';

const theme = EditorView.theme({
  '&': { fontSize: '12px', border: '1px solid rgb(212 212 216)', borderRadius: '4px', backgroundColor: 'transparent' },
  '&.cm-focused': { outline: '2px solid rgb(99 102 241)' },
  '.cm-content': { fontFamily: 'ui-monospace, monospace', padding: '4px 0', minHeight: '2.5em' },
  '.cm-line': { padding: '0 6px' },
  '.cm-variable': { color: 'rgb(79 70 229)', backgroundColor: 'rgba(99, 102, 241, 0.12)', borderRadius: '3px' },
});

// `{{name}}` stands out, so the user sees which parts the values table fills in.
const variables = new MatchDecorator({ regexp: /\{\{\s*[A-Za-z_][\w.-]*\s*\}\}/g, decoration: Decoration.mark({ class: 'cm-variable' }) });
const highlightVariables = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = variables.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = variables.updateDeco(update, this.decorations);
    }
  },
  { decorations: (v) => v.decorations },
);

/**
 * One message's text on CodeMirror 6. Plain text: nothing typed here is evaluated or rendered as
 * HTML. Like the studio's fields, it lives in a shadow root, where CodeMirror's styles pass the
 * dashboard's Content-Security-Policy.
 */
export function MessageEditor({ value, onChange, label }: { value: string; onChange: (value: string) => void; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const syncing = useRef(false);
  const latest = useRef(onChange);
  latest.current = onChange;

  useEffect(() => {
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
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          highlightVariables,
          theme,
          EditorView.theme({}, { dark: document.documentElement.classList.contains('dark') }),
          EditorView.contentAttributes.of({ 'aria-label': label, 'data-message-editor': 'true' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !syncing.current) latest.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // Created once; outside changes are synced below.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      syncing.current = true;
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
      syncing.current = false;
    }
  }, [value]);

  return <div ref={host} />;
}
