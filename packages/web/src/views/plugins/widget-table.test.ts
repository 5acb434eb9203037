import { describe, expect, it } from 'vitest';
import { toWidgetTable } from './widget-table';

describe('toWidgetTable', () => {
  it('makes rows of objects with columns in first-seen order, and links span and trace ids', () => {
    const table = toWidgetTable([
      { parentSpanId: 'aaaaaaaaaaaaaaaa', traceId: 'b'.repeat(32), count: 12 },
      { parentSpanId: 'cccccccccccccccc', child: 'SELECT 1', count: 11 },
    ]);
    expect(table.columns).toEqual(['parentSpanId', 'traceId', 'count', 'child']);
    expect(table.rows[0]).toEqual([{ text: 'aaaaaaaaaaaaaaaa', href: '/spans/aaaaaaaaaaaaaaaa' }, { text: 'b'.repeat(32), href: `/traces/${'b'.repeat(32)}` }, { text: '12' }, { text: '' }]);
    expect(table.rows[1]![3]).toEqual({ text: 'SELECT 1' });
  });

  it('shows an object as key / value rows, and nested values as JSON text', () => {
    expect(toWidgetTable({ calls: 3, by: { a: 1 } })).toEqual({ columns: ['key', 'value'], rows: [[{ text: 'calls' }, { text: '3' }], [{ text: 'by' }, { text: '{"a":1}' }]], more: 0 });
  });

  it('keeps markup as text, cuts long cells and bounds rows', () => {
    const table = toWidgetTable(Array.from({ length: 5 }, () => ({ html: '<img src=x onerror=alert(1)>', long: 'x'.repeat(1000) })), 3);
    expect(table.rows).toHaveLength(3);
    expect(table.more).toBe(2);
    expect(table.rows[0]![0]!.text).toBe('<img src=x onerror=alert(1)>');
    expect(table.rows[0]![1]!.text).toHaveLength(301);
  });

  it('does not link an id-looking value under another key', () => {
    expect(toWidgetTable([{ note: 'aaaaaaaaaaaaaaaa' }]).rows[0]![0]).toEqual({ text: 'aaaaaaaaaaaaaaaa' });
  });
});
