import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, uniqueService } from './support/fixtures';
import { startHub } from './support/hub';
import { call, traceId } from './support/spans';

test('a span can be bookmarked and noted; a note with markup stays text, and both survive a reload', async ({ guarded: page, sender }) => {
  const service = uniqueService('notes');
  const span = call({ traceId: traceId(), service, name: 'chat gpt-4o' }, Date.now(), 120);
  await sender.send([span]);

  await page.goto(`/spans/${span.spanId}`);
  const detail = page.getByTestId('span-detail');
  await expect(detail.getByTestId('detail-name')).toHaveText('chat gpt-4o');
  const notes = detail.getByTestId('span-annotations');
  const toggle = notes.getByTestId('bookmark-toggle');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');

  const hostile = '<script>alert("note")</script><img src=x onerror=alert(2)> wrong tool chosen';
  await notes.getByLabel('Note text').fill(hostile);
  await notes.getByLabel('Note label').fill('<b>triage</b>');
  await notes.getByLabel('Note score').fill('0.5');
  await notes.getByRole('button', { name: 'Add note' }).click();
  await expect(notes.getByTestId('note-text')).toHaveText(hostile);

  await page.reload();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(notes.getByTestId('note')).toHaveCount(1);
  await expect(notes.getByTestId('note-text')).toHaveText(hostile);
  await expect(notes.getByTestId('note-label')).toHaveText('<b>triage</b>');
  await expect(notes.getByTestId('note-score')).toHaveText('score 0.5');
  // Rendered as text: no element came from the note.
  await expect(notes.locator('script, img, b')).toHaveCount(0);

  // Deleting the note and removing the bookmark are stored too.
  await notes.getByRole('button', { name: 'Delete note' }).click();
  await expect(notes.getByTestId('note')).toHaveCount(0);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await page.reload();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(notes.getByTestId('note')).toHaveCount(0);
});

test('bookmarks and notes travel with a JSON Lines export into another hub through Import, once however often it is imported', async ({ page, hub, sender }) => {
  const service = uniqueService('notes-transfer');
  const span = call({ traceId: traceId(), service, name: 'tool search' }, Date.now(), 40);
  await sender.send([span]);
  const post = (body: unknown) =>
    fetch(`${hub.url}/api/v1/spans/${span.spanId}/annotations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post({ kind: 'bookmark' })).status).toBe(201);
  expect((await post({ kind: 'note', text: '<b>slow</b> search', label: 'perf', score: 3 })).status).toBe(201);
  const text = await (await fetch(`${hub.url}/api/v1/export?service=${service}`)).text();
  const file = join(tmpdir(), `${service}.jsonl`);
  writeFileSync(file, text);

  const other = await startHub();
  try {
    await page.goto(other.url);
    for (const round of [1, 2]) {
      // The shortcut works once the app has bound its keys (and the last dialog has closed): press
      // until the dialog is there, as a person would, instead of racing the page.
      await expect(async () => {
        await page.keyboard.press('i');
        await expect(page.getByLabel('File to import')).toBeAttached({ timeout: 2_000 });
      }).toPass({ timeout: 30_000 });
      await page.getByLabel('File to import').setInputFiles(file);
      await page.getByTestId('import-dialog').getByRole('button', { name: 'Import', exact: true }).click();
      await expect(page.getByTestId('import-result')).toHaveText('1 spans imported, 2 bookmarks and notes.');
      await page.keyboard.press('Escape');
      const stored = (await (await fetch(`${other.url}/api/v1/spans/${span.spanId}/annotations`)).json()) as { annotations: { kind: string }[] };
      expect(stored.annotations.map((a) => a.kind), `after import ${round}`).toEqual(['note', 'bookmark']);
    }
    await page.goto(`${other.url}/annotations?kind=note`);
    await expect(page.getByTestId('annotation-row')).toHaveCount(1);
    await expect(page.getByTestId('annotation-text')).toHaveText('<b>slow</b> search');
    await expect(page.getByTestId('annotation-row').locator('b')).toHaveCount(0);
  } finally {
    await other.stop();
  }
});
