import type Database from 'better-sqlite3';

/**
 * Full-text search over spans: an FTS5 index of each span's name, input, output and error.
 *
 * The index is an external-content table (`content='spans'`): it stores only the inverted index,
 * never a second copy of the payloads. It is written in the writer's transaction, so a crash never
 * leaves it apart from the spans: new spans are indexed together at the end of each write batch
 * (`FullTextWriter`, one INSERT … SELECT: 2–4× the ingest rate of a per-row trigger, measured by
 * bench/search), and triggers keep the spans indexed before the batch in step when an upsert's merge
 * changes their text or retention deletes them. `fts_state.indexed_up_to` is the highest span id
 * the index holds; the triggers leave newer spans to the batch's own indexing step.
 * `detail=none, columnsize=0` keep the index small and cheap to write (no positions, no per-span
 * size row): searches are words, all required, not phrases, and results are not ranked.
 */
const FTS_TABLE = `
CREATE VIRTUAL TABLE IF NOT EXISTS spans_fts USING fts5(
  name, input, output, error,
  content='spans', content_rowid='id', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS fts_state (one INTEGER PRIMARY KEY CHECK (one = 1), indexed_up_to INTEGER NOT NULL);`;

const INDEXED = '(SELECT indexed_up_to FROM fts_state)';
const FTS_TRIGGERS = `
DROP TRIGGER IF EXISTS spans_fts_insert;
CREATE TRIGGER IF NOT EXISTS spans_fts_delete AFTER DELETE ON spans WHEN old.id <= ${INDEXED} BEGIN
  INSERT INTO spans_fts (spans_fts, rowid, name, input, output, error) VALUES ('delete', old.id, old.name, old.input, old.output, old.error);
END;
CREATE TRIGGER IF NOT EXISTS spans_fts_update AFTER UPDATE OF name, input, output, error ON spans
WHEN old.id <= ${INDEXED}
  AND (old.name IS NOT new.name OR old.input IS NOT new.input OR old.output IS NOT new.output OR old.error IS NOT new.error)
BEGIN
  INSERT INTO spans_fts (spans_fts, rowid, name, input, output, error) VALUES ('delete', old.id, old.name, old.input, old.output, old.error);
  INSERT INTO spans_fts (rowid, name, input, output, error) VALUES (new.id, new.name, new.input, new.output, new.error);
END;`;

const DROP_TRIGGERS = `
DROP TRIGGER IF EXISTS spans_fts_insert;
DROP TRIGGER IF EXISTS spans_fts_delete;
DROP TRIGGER IF EXISTS spans_fts_update;`;

const MARK_INDEXED = 'INSERT OR REPLACE INTO fts_state (one, indexed_up_to) VALUES (1, (SELECT COALESCE(max(id), 0) FROM spans))';

/**
 * Creates the index and its triggers (or, with `enabled` false, removes the triggers and empties
 * the index: the ingest baseline of bench/search). An index that was off or absent while spans
 * were stored is rebuilt from the spans table once, here, at start-up.
 */
export function ensureFullTextIndex(db: Database.Database, enabled: boolean): void {
  const state = db.prepare("SELECT value FROM meta WHERE key = 'full_text'").pluck().get() as string | undefined;
  db.exec(FTS_TABLE);
  db.transaction(() => {
    if (!enabled) {
      db.exec(DROP_TRIGGERS);
      db.exec('DELETE FROM fts_state');
      if (state !== 'off') db.exec("INSERT INTO spans_fts (spans_fts) VALUES ('delete-all')");
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('full_text', 'off')").run();
      return;
    }
    db.exec(FTS_TRIGGERS);
    if (state !== 'on') db.exec("INSERT INTO spans_fts (spans_fts) VALUES ('rebuild')");
    db.exec(MARK_INDEXED);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('full_text', 'on')").run();
  })();
}

/**
 * The writer's side of the index, called inside each write batch's transaction: `begin` before
 * the first span (every span stored so far is indexed, possibly under a reused id after retention
 * deleted the newest), `indexNew` after the last. No-ops when the index is off.
 */
export class FullTextWriter {
  private readonly mark: Database.Statement | undefined;
  private readonly index: Database.Statement | undefined;

  constructor(db: Database.Database) {
    const on = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'fts_state'").pluck().get() === 1 &&
      db.prepare('SELECT count(*) FROM fts_state').pluck().get() === 1;
    if (!on) return;
    this.mark = db.prepare(MARK_INDEXED);
    this.index = db.prepare(`INSERT INTO spans_fts (rowid, name, input, output, error)
      SELECT id, name, input, output, error FROM spans WHERE id > ${INDEXED}`);
  }

  begin(): void {
    this.mark?.run();
  }

  indexNew(): void {
    this.index?.run();
    this.mark?.run();
  }
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
