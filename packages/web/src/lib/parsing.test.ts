import { describe, expect, it } from 'vitest';
import { apiParamsOf, liveFilterOf, matchesFilters, parseFilters, withFilters } from '../state/filters';
import { parseCsv, recordsFromCsv } from './csv';
import { childPath } from './json-path';
import { parseStack } from './stack';

describe('filters in the URL', () => {
  it('round-trips and keeps view parameters', () => {
    const search = withFilters('?span=abc', { service: 'shop api', status: 'running', minMs: 40, q: 'db' });
    expect(search).toBe('?span=abc&service=shop+api&status=running&q=db&minMs=40');
    expect(parseFilters(search)).toEqual({ service: 'shop api', status: 'running', q: 'db', minMs: 40 });
    expect(parseFilters('?kind=banana&status=weird&minMs=-3&range=2y')).toEqual({});
    expect(parseFilters('?range=1h')).toEqual({ range: '1h' });
    expect(apiParamsOf({ range: '1h' }, 10_000_000).from).toBe(10_000_000 - 3_600_000);
  });

  it('sends the hub what it can filter, checks the rest in the browser', () => {
    expect(liveFilterOf({ service: 'a', status: 'running', q: 'x' })).toEqual({ service: 'a' });
    expect(liveFilterOf({ status: 'error' })).toEqual({ status: 'error' });
    expect(apiParamsOf({ status: 'running', minMs: 5 })).toMatchObject({ status: 'unset', minDurationMs: 5 });
    const span = { service: 'a', kind: 'function', sessionId: null, endTime: null, status: 'unset', name: 'Load_User', durationMs: null } as never;
    expect(matchesFilters(span, { status: 'running', q: 'load' })).toBe(true);
    expect(matchesFilters(span, { minMs: 1 })).toBe(false);
  });
});

describe('stack parsing', () => {
  it('reads Python tracebacks innermost last and marks library frames', () => {
    const frames = parseStack('Traceback (most recent call last):\n  File "/app/main.py", line 3, in run\n    x()\n  File "/usr/lib/python3.12/json/decoder.py", line 9, in decode\nValueError: x');
    expect(frames).toEqual([
      { file: '/app/main.py', line: 3, function: 'run', inApp: true },
      { file: '/usr/lib/python3.12/json/decoder.py', line: 9, function: 'decode', inApp: false },
    ]);
  });

  it('reads V8 stacks and reverses them to innermost last', () => {
    const frames = parseStack('Error: boom\n    at inner (/app/src/a.js:10:5)\n    at Object.outer (/app/node_modules/lib/index.js:2:1)\n    at /app/src/main.js:1:1');
    expect(frames.map((f) => [f.function, f.line, f.inApp])).toEqual([
      ['<anonymous>', 1, true],
      ['Object.outer', 2, false],
      ['inner', 10, true],
    ]);
  });
});

describe('CSV import', () => {
  it('parses quoted fields and turns exported rows back into records', () => {
    const csv = 'traceId,spanId,parentSpanId,service,name,kind,startTime,endTime,durationMs,status,sessionId,errorType,errorMessage,input,output,attributes\n' +
      'aa,bb,,svc,"\'=SUM(1)",function,10,12,2,error,,ValueError,"bad, ""very""","{""a"":1}",,"{""k"":""v,\\nw""}"\n';
    const [record] = recordsFromCsv(parseCsv(csv));
    expect(record).toMatchObject({ traceId: 'aa', spanId: 'bb', parentSpanId: null, name: '=SUM(1)', startTime: 10, endTime: 12, status: 'error', input: { a: 1 }, attributes: { k: 'v,\nw' } });
    expect(record!.error).toEqual({ type: 'ValueError', message: 'bad, "very"' });
    expect(record!.output).toBeUndefined();
  });
});

describe('JSON paths', () => {
  it('uses dots for identifiers and brackets otherwise', () => {
    expect(childPath(childPath(childPath('input', 'user'), 'first name'), 3)).toBe('input.user["first name"][3]');
  });
});
