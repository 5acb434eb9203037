import { expect, test, uniqueService } from './support/fixtures';
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
