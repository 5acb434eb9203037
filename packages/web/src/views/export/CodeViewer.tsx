import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { python } from '@codemirror/lang-python';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { languageOf } from './file-tree';

const theme = EditorView.theme({
  '&': { fontSize: '12px', height: '100%' },
  '.cm-scroller': { fontFamily: 'ui-monospace, monospace', overflow: 'auto' },
  '.cm-gutters': { backgroundColor: 'transparent', borderRight: '1px solid rgb(212 212 216)' },
});

function languageExtension(path: string): Extension[] {
  switch (languageOf(path)) {
    case 'python':
      return [python()];
    case 'typescript':
      return [javascript({ typescript: true })];
    case 'javascript':
      return [javascript()];
    case 'json':
      return [json()];
    default:
      return [];
  }
}

/**
 * A generated file, read-only, highlighted by CodeMirror 6. It lives in a shadow root (as the
 * studio's fields do), where CodeMirror's styles pass the dashboard's Content-Security-Policy; the
 * text is never rendered as HTML.
 */
export function CodeViewer({ path, text }: { path: string; text: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const shadow = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    const parent = document.createElement('div');
    parent.style.height = '100%';
    shadow.replaceChildren(parent);
    const view = new EditorView({
      parent,
      root: shadow,
      state: EditorState.create({
        doc: text,
        extensions: [
          lineNumbers(),
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          syntaxHighlighting(defaultHighlightStyle),
          ...languageExtension(path),
          theme,
          EditorView.theme({}, { dark: document.documentElement.classList.contains('dark') }),
          EditorView.contentAttributes.of({ 'aria-label': `${path} (read only)`, 'data-export-file': path }),
        ],
      }),
    });
    return () => view.destroy();
  }, [path, text]);
  return <div ref={host} className="h-full min-h-0 overflow-hidden" data-testid="code-viewer" />;
}
