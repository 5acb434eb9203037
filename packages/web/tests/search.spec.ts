import { expect, test, uniqueService } from './support/fixtures';
import { call, spanId, traceId } from './support/spans';

// Full-text search (issue 11): a word of an LLM call's prompt, answer or error finds its trace,
// session and agent run from each list's search box. The prompt also carries markup, which must
// stay text.
test('the search box finds traces, sessions, error groups and agent runs by a word of their spans’ inputs, outputs and errors', async ({ guarded: page, sender }) => {
  const service = uniqueService('search');
  const now = Date.now();
  const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
  const run = traceId();
  const root = call({ traceId: run, service, name: 'invoke_agent support', kind: 'agent', sessionId: `sess-${service}-a` }, now - 100, 90);
  const llm = call(
    {
      traceId: run,
      service,
      name: 'chat gpt-4o',
      kind: 'llm',
      parentSpanId: root.spanId,
      sessionId: `sess-${service}-a`,
      input: { messages: [{ role: 'user', content: `What is the refund policy for a cassowary? ${hostile}` }] },
      output: { role: 'assistant', content: 'Refunds take fourteen days.' },
    },
    now - 90,
    40,
  );
  const failing = call(
    { traceId: traceId(), service, name: 'invoke_agent billing', kind: 'agent', sessionId: `sess-${service}-b`, status: 'error', error: { type: 'RateLimitError', message: 'quota of the pangolin plan reached' } },
    now - 50,
    10,
  );
  const other = call({ traceId: traceId(), service, name: 'invoke_agent other', kind: 'agent', sessionId: `sess-${service}-c`, input: 'nothing to see' }, now - 20, 10);
  await sender.send([root, llm, failing, other, { ...call({ traceId: other.traceId, service, name: 'chat', kind: 'llm', parentSpanId: other.spanId }, now - 19, 5), spanId: spanId() }]);

  await page.goto(`/traces?service=${service}`);
  await expect(page.getByTestId('trace-row')).toHaveCount(3);
  const search = page.getByRole('searchbox', { name: 'Search words' });
  await search.fill('cassowary');
  await expect(page).toHaveURL(/q=cassowary/);
  await expect(page.getByTestId('trace-row')).toHaveCount(1);
  await expect(page.getByTestId('trace-row')).toContainText('invoke_agent support');
  await search.fill('fourteen'); // a word of the answer
  await expect(page.getByTestId('trace-row')).toHaveCount(1);
  await search.fill('pangolin'); // a word of an error message
  await expect(page.getByTestId('trace-row')).toHaveCount(1);
  await expect(page.getByTestId('trace-row')).toContainText('invoke_agent billing');
  await search.fill('onerror'); // the markup is searchable text, and stays text
  await expect(page.getByTestId('trace-row')).toHaveCount(1);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);

  await page.goto(`/sessions?service=${service}&q=cassowary`);
  await expect(page.getByTestId('session-row')).toHaveCount(1);
  await expect(page.getByTestId('session-row')).toContainText(`sess-${service}-a`);

  await page.goto(`/errors?service=${service}`);
  await expect(page.getByTestId('error-group')).toHaveCount(1);
  await page.getByRole('searchbox', { name: 'Search words' }).fill('cassowary');
  await expect(page.getByTestId('error-group')).toHaveCount(0);
  await page.getByRole('searchbox', { name: 'Search words' }).fill('pangolin');
  await expect(page.getByTestId('error-group')).toHaveCount(1);

  await page.goto(`/agents?service=${service}`);
  await expect(page.getByTestId('agent-row')).toHaveCount(3);
  await page.getByRole('searchbox', { name: 'Search words' }).fill('pangolin');
  await expect(page.getByTestId('agent-row')).toHaveCount(1);
  await expect(page.getByTestId('agent-row')).toHaveAttribute('data-trace-id', failing.traceId);
});
