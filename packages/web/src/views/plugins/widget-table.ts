/**
 * How a plugin widget's JSON becomes a table: an array of objects → one row per item, columns in
 * the order keys first appear (at most 12); an object → key / value rows; anything else → one
 * cell. Every cell is plain text; ids that name a span or a trace become links.
 */
export interface WidgetCell {
  text: string;
  /** A dashboard path when the cell is a span or trace id. */
  href?: string;
}

export interface WidgetTable {
  columns: string[];
  rows: WidgetCell[][];
  /** Items left out (tables show at most `maxRows`). */
  more: number;
}

const MAX_COLUMNS = 12;
const MAX_CELL = 300;

function cellText(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value) ?? String(value);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL)}…` : text;
}

function link(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^[0-9a-f]{16}$/.test(value) && /spanid$/i.test(key)) return `/spans/${value}`;
  if (/^[0-9a-f]{32}$/.test(value) && /traceid$/i.test(key)) return `/traces/${value}`;
  return undefined;
}

const cell = (key: string, value: unknown): WidgetCell => {
  const href = link(key, value);
  return href ? { text: cellText(value), href } : { text: cellText(value) };
};

export function toWidgetTable(value: unknown, maxRows = 200): WidgetTable {
  if (Array.isArray(value)) {
    const objects = value.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item));
    if (!objects) return { columns: ['value'], rows: value.slice(0, maxRows).map((item) => [cell('value', item)]), more: Math.max(0, value.length - maxRows) };
    const columns: string[] = [];
    for (const item of value.slice(0, maxRows) as Record<string, unknown>[]) {
      for (const key of Object.keys(item)) if (!columns.includes(key) && columns.length < MAX_COLUMNS) columns.push(key);
    }
    const rows = (value.slice(0, maxRows) as Record<string, unknown>[]).map((item) => columns.map((key) => cell(key, item[key])));
    return { columns, rows, more: Math.max(0, value.length - maxRows) };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return { columns: ['key', 'value'], rows: entries.slice(0, maxRows).map(([key, item]) => [{ text: key }, cell(key, item)]), more: Math.max(0, entries.length - maxRows) };
  }
  return { columns: ['value'], rows: [[cell('value', value)]], more: 0 };
}
