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
 *
 * Payloads may be stored compressed (payload-codec.ts), so the index is always given their text
 * (`TEXT_OF`), never the stored value, and is never asked to read `spans` itself: a match reads
 * rowids only, and nothing here runs FTS5's 'rebuild'. A merge or delete hands FTS5 the old text
 * the same way, which is what was indexed, whether the row was stored compressed or (written by an
 * older hub) as plain text — so older databases keep their index as it is.
 */
const FTS_TABLE = `
CREATE VIRTUAL TABLE IF NOT EXISTS spans_fts USING fts5(
  name, input, output, error,
  content='spans', content_rowid='id', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS fts_state (one INTEGER PRIMARY KEY CHECK (one = 1), indexed_up_to INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS fts_backfill (one INTEGER PRIMARY KEY CHECK (one = 1), done_up_to INTEGER NOT NULL, up_to INTEGER NOT NULL);`;

const INDEXED = '(SELECT indexed_up_to FROM fts_state)';
/** A payload column's text: compressed values (BLOBs) through `payload_text`, plain text as it is. */
const TEXT_OF = (column: string) => `CASE WHEN typeof(${column}) = 'blob' THEN payload_text(${column}) ELSE ${column} END`;
const TEXTS_OF = (row: string) => `${row}.name, ${TEXT_OF(`${row}.input`)}, ${TEXT_OF(`${row}.output`)}, ${TEXT_OF(`${row}.error`)}`;
/** True for a span id the index holds: at most the high mark, and not in the range still being built. */
const IN_INDEX = (id: string) => `${id} <= ${INDEXED} AND NOT EXISTS (SELECT 1 FROM fts_backfill WHERE ${id} > done_up_to AND ${id} <= up_to)`;
// Dropped and created at every start, so a database written by an older hub gets the current
// conditions.
const FTS_TRIGGERS = `
DROP TRIGGER IF EXISTS spans_fts_insert;
DROP TRIGGER IF EXISTS spans_fts_delete;
DROP TRIGGER IF EXISTS spans_fts_update;
CREATE TRIGGER spans_fts_delete AFTER DELETE ON spans WHEN ${IN_INDEX('old.id')} BEGIN
  INSERT INTO spans_fts (spans_fts, rowid, name, input, output, error) VALUES ('delete', old.id, ${TEXTS_OF('old')});
END;
CREATE TRIGGER spans_fts_update AFTER UPDATE OF name, input, output, error ON spans
WHEN ${IN_INDEX('old.id')}
  AND (old.name IS NOT new.name OR old.input IS NOT new.input OR old.output IS NOT new.output OR old.error IS NOT new.error)
BEGIN
  INSERT INTO spans_fts (spans_fts, rowid, name, input, output, error) VALUES ('delete', old.id, ${TEXTS_OF('old')});
  INSERT INTO spans_fts (rowid, name, input, output, error) VALUES (new.id, ${TEXTS_OF('new')});
END;`;

const DROP_TRIGGERS = `
DROP TRIGGER IF EXISTS spans_fts_insert;
DROP TRIGGER IF EXISTS spans_fts_delete;
DROP TRIGGER IF EXISTS spans_fts_update;`;

const MARK_INDEXED = 'INSERT OR REPLACE INTO fts_state (one, indexed_up_to) VALUES (1, (SELECT COALESCE(max(id), 0) FROM spans))';

/**
 * Creates the index and its triggers (or, with `enabled` false, removes the triggers and empties
 * the index: the ingest baseline of bench/search). Cheap whatever the database's size: an index
 * that was off or absent while spans were stored is not built here but marked for building — the
 * spans stored so far become the range `fts_backfill` holds, which `FullTextBackfill` indexes in
 * chunks on the writer thread after the hub is up (new spans are indexed by their batches
 * meanwhile). Answers whether such a build is pending.
 */
export function ensureFullTextIndex(db: Database.Database, enabled: boolean): boolean {
  const state = db.prepare("SELECT value FROM meta WHERE key = 'full_text'").pluck().get() as string | undefined;
  db.exec(FTS_TABLE);
  return db.transaction(() => {
    if (!enabled) {
      db.exec(DROP_TRIGGERS);
      db.exec('DELETE FROM fts_state');
      db.exec('DELETE FROM fts_backfill');
      if (state !== 'off') db.exec("INSERT INTO spans_fts (spans_fts) VALUES ('delete-all')");
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('full_text', 'off')").run();
      return false;
    }
    if (state !== 'on') {
      // The index is empty (new, or emptied when it was turned off): every stored span is owed.
      db.exec('INSERT OR REPLACE INTO fts_backfill (one, done_up_to, up_to) SELECT 1, 0, max(id) FROM spans WHERE id IS NOT NULL HAVING max(id) > 0');
    }
    db.exec(FTS_TRIGGERS);
    db.exec(MARK_INDEXED);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('full_text', 'on')").run();
    return db.prepare('SELECT count(*) FROM fts_backfill').pluck().get() === 1;
  })();
}

/**
 * Builds the index for spans stored before it existed, one chunk per call and transaction, on the
 * writer's connection: span writes queued meanwhile commit between chunks, and the hub's main
 * thread never runs it (a 1,000,000-span database used to hold start-up for the whole build).
 * Searches meanwhile find the new spans and the part built so far.
 */
export class FullTextBackfill {
  private readonly range: Database.Statement;
  private readonly chunkEnd: Database.Statement;
  private readonly index: Database.Statement;
  private readonly advance: Database.Statement;
  private readonly finish: Database.Statement;
  private readonly step: (chunk: number) => number;

  constructor(db: Database.Database) {
    this.range = db.prepare('SELECT done_up_to AS done, up_to AS upTo FROM fts_backfill');
    this.chunkEnd = db.prepare('SELECT max(id) FROM (SELECT id FROM spans WHERE id > ? AND id <= ? ORDER BY id LIMIT ?)').pluck();
    this.index = db.prepare(`INSERT INTO spans_fts (rowid, name, input, output, error) SELECT id, ${TEXTS_OF('spans')} FROM spans WHERE id > ? AND id <= ?`);
    this.advance = db.prepare('UPDATE fts_backfill SET done_up_to = ?');
    this.finish = db.prepare('DELETE FROM fts_backfill');
    this.step = db.transaction((chunk: number) => {
      const range = this.range.get() as { done: number; upTo: number } | undefined;
      if (!range) return 0;
      const end = this.chunkEnd.get(range.done, range.upTo, chunk) as number | null;
      if (end === null) {
        this.finish.run();
        return 0;
      }
      const indexed = this.index.run(range.done, end).changes;
      if (end >= range.upTo) this.finish.run();
      else this.advance.run(end);
      return Math.max(indexed, 1);
    });
  }

  /** Indexes the next `chunk` spans owed; answers how many were indexed, 0 once the build is done. */
  run(chunk: number): number {
    return this.step(chunk);
  }
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
      SELECT id, ${TEXTS_OF('spans')} FROM spans WHERE id > ${INDEXED}`);
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
