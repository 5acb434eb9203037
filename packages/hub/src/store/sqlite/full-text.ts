import type Database from 'better-sqlite3';

/**
 * Full-text search over spans: an FTS5 index of each span's name, input, output and error.
 *
 * The index is an external-content table (`content='spans'`): it stores only the inverted index,
 * never a second copy of the payloads. Triggers on `spans` keep it in step, so every path that
 * changes a span — an insert, an upsert's merge, a retention delete, an import — updates the index
 * in the same transaction on the writer thread, and a crash can never leave the two apart.
 * `detail=none, columnsize=0` keep the index small and cheap to write (no positions, no per-span
 * size row): searches are words, all required, not phrases, and results are not ranked.
 */
const FTS_TABLE = `
CREATE VIRTUAL TABLE IF NOT EXISTS spans_fts USING fts5(
  name, input, output, error,
  content='spans', content_rowid='id', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2'
);`;

const FTS_TRIGGERS = `
CREATE TRIGGER IF NOT EXISTS spans_fts_insert AFTER INSERT ON spans BEGIN
  INSERT INTO spans_fts (rowid, name, input, output, error) VALUES (new.id, new.name, new.input, new.output, new.error);
END;
CREATE TRIGGER IF NOT EXISTS spans_fts_delete AFTER DELETE ON spans BEGIN
  INSERT INTO spans_fts (spans_fts, rowid, name, input, output, error) VALUES ('delete', old.id, old.name, old.input, old.output, old.error);
END;
CREATE TRIGGER IF NOT EXISTS spans_fts_update AFTER UPDATE OF name, input, output, error ON spans
WHEN old.name IS NOT new.name OR old.input IS NOT new.input OR old.output IS NOT new.output OR old.error IS NOT new.error
BEGIN
  INSERT INTO spans_fts (spans_fts, rowid, name, input, output, error) VALUES ('delete', old.id, old.name, old.input, old.output, old.error);
  INSERT INTO spans_fts (rowid, name, input, output, error) VALUES (new.id, new.name, new.input, new.output, new.error);
END;`;

const DROP_TRIGGERS = `
DROP TRIGGER IF EXISTS spans_fts_insert;
DROP TRIGGER IF EXISTS spans_fts_delete;
DROP TRIGGER IF EXISTS spans_fts_update;`;

/**
 * Creates the index and its triggers (or, with `enabled` false, removes the triggers and empties
 * the index: the ingest baseline of bench/search). An index that was off or absent while spans
 * were stored is rebuilt from the spans table once, here, at start-up.
 */
export function ensureFullTextIndex(db: Database.Database, enabled: boolean): void {
  const state = db.prepare("SELECT value FROM meta WHERE key = 'full_text'").pluck().get() as string | undefined;
  db.exec(FTS_TABLE);
  if (!enabled) {
    db.exec(DROP_TRIGGERS);
    if (state !== 'off') db.exec("INSERT INTO spans_fts (spans_fts) VALUES ('delete-all')");
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('full_text', 'off')").run();
    return;
  }
  db.transaction(() => {
    db.exec(FTS_TRIGGERS);
    if (state !== 'on') db.exec("INSERT INTO spans_fts (spans_fts) VALUES ('rebuild')");
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('full_text', 'on')").run();
  })();
}

/** Words a search may hold; more are ignored (each is one more index lookup). */
const MAX_WORDS = 16;

/**
 * The FTS5 query for what a user typed: its words, each quoted (so no FTS operator or column
 * filter can be injected), all required. A word written with a `*` after it matches as a prefix
 * (`pelic*`); prefixes are opt-in because a short one merges the lists of many words (`w*` over a
 * million spans takes seconds) where a whole word is one list. Null when the text holds no word
 * (then only names are searched).
 */
export function fullTextQuery(text: string): string | null {
  const words = [...text.matchAll(/([\p{L}\p{N}]+)(\*?)/gu)].slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  return words.map(([, word, star]) => `"${word}"${star && word!.length >= 2 ? '*' : ''}`).join(' ');
}

/** Rowids (spans.id) of the spans whose text matches a fullTextQuery. */
export const MATCHING_SPAN_IDS = 'SELECT rowid FROM spans_fts WHERE spans_fts MATCH ?';

/**
 * The same, bounded to the 5,000 most recently stored matches: traces, sessions and agent runs
 * match through their spans, and reading every match of a word in 40% of a million spans to find
 * their traces would take seconds. The name searches of those lists are not bounded.
 */
export const RECENT_MATCHING_SPAN_IDS = 'SELECT rowid FROM spans_fts WHERE spans_fts MATCH ? ORDER BY rowid DESC LIMIT 5000';
