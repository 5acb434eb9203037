/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Undoes the export's spreadsheet-formula guard (a leading quote before = + - @). */
export function unguard(text: string): string {
  return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}

/** A JSON cell; a cell that is not JSON (edited by hand in a spreadsheet) is kept as text. */
const json = (text: string): unknown => {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
const num = (text: string): number | null => (text === '' ? null : Number(text));

/** Span records from the rows of an exported CSV file (header row first). */
export function recordsFromCsv(rows: string[][]): Record<string, unknown>[] {
  const [header, ...body] = rows;
  if (!header) return [];
  const col = new Map(header.map((name, i) => [name.trim(), i]));
  const get = (row: string[], name: string) => {
    const i = col.get(name);
    return i === undefined ? '' : (row[i] ?? '');
  };
  return body
    .filter((row) => row.some((cell) => cell !== ''))
    .map((row) => {
      const record: Record<string, unknown> = {
        traceId: get(row, 'traceId'),
        spanId: get(row, 'spanId'),
        parentSpanId: get(row, 'parentSpanId') || null,
        service: unguard(get(row, 'service')),
        name: unguard(get(row, 'name')),
        kind: get(row, 'kind') || undefined,
        startTime: num(get(row, 'startTime')),
        endTime: num(get(row, 'endTime')),
        status: get(row, 'status') || undefined,
        sessionId: unguard(get(row, 'sessionId')) || null,
      };
      const errorType = get(row, 'errorType');
      if (errorType) record.error = { type: unguard(errorType), message: unguard(get(row, 'errorMessage')) };
      for (const name of ['input', 'output', 'attributes']) {
        const value = json(get(row, name));
        if (value !== undefined) record[name] = value;
      }
      return record;
    });
}
