import type pg from 'pg';
import type { Span } from '@runtime-hub/protocol';
import type { ChangeFeed } from '../store/change-feed.js';
import type { AlertEngine } from './alert-engine.js';
import type { DeploymentHealth } from './events.js';

/** Changes read per page when a new leader catches up. */
const PAGE = 500;
/** Without a transition, the leader saves its position at most this often. */
const SAVE_EVERY_MS = 1_000;

/**
 * What the alert leader evaluates outlives the leader (several hubs on one PostgreSQL). Events of
 * the change feed (workflow runs ending, error spans for new error groups) are evaluated in feed
 * order, and the leader keeps its position in PostgreSQL (`alert_feed_position`: the last change
 * evaluated and the error spans' range not yet checked for new groups). A hub that takes the lead
 * resumes from there, reading the changes it missed from the feed, before it follows the feed
 * live: an event committed while no hub led (between a leader's death and the next hub's tick) is
 * evaluated by the next leader. Events that are not in the feed (a deployment's health, checked by
 * the hub that runs it) go to `alert_inbox` when this hub does not lead; the leader drains it.
 *
 * The position is saved at once after a transition, else at most every second and at every
 * tick, so a new leader re-evaluates at most the last second of changes: only a run that failed and
 * then succeeded inside that second can notify a second time (a replayed failure of an alert still
 * firing only updates it).
 */
export class PostgresAlertFollower {
  private leading = false;
  /** Caught up: feed batches go straight to the engine. */
  private live = false;
  /** The last change handed to the engine. */
  private position = 0;
  private savedAt = 0;
  private savedTransitions = 0;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly feed: ChangeFeed,
    private readonly engine: AlertEngine,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The feed's listener on every hub; only the leader, once caught up, evaluates. */
  onChanges(spans: readonly Span[]): void {
    if (!this.leading || !this.live) return;
    const fresh = spans.filter((span) => span.seq > this.position);
    if (fresh.length === 0) return;
    this.handOver(fresh);
  }

  /** A deployment's health as this hub checked it: evaluated here when leading, else left for the leader. */
  onDeployment(event: DeploymentHealth): void {
    if (this.leading) {
      this.engine.onDeployment(event);
      return;
    }
    this.pool.query('INSERT INTO alert_inbox (kind, event, at) VALUES ($1, $2, $3)', ['deployment', JSON.stringify(event), this.now()]).catch(this.onError);
  }

  /**
   * Every tick, with this hub's leadership. On taking the lead: the rules as they are, the
   * predecessor's unchecked error range, the changes since its position; then the inbox.
   */
  async lead(isLeader: boolean): Promise<void> {
    if (!isLeader) {
      this.leading = false;
      this.live = false;
      return;
    }
    if (!this.leading) {
      this.leading = true;
      try {
        await this.engine.reload();
        await this.resume();
      } catch (error) {
        // Not caught up: the next tick starts over from the saved position.
        this.leading = false;
        this.live = false;
        throw error;
      }
    }
    await this.drainInbox();
  }

  /** After a tick's evaluation (the error range it checked is no longer pending). */
  checkpoint(): Promise<void> {
    return this.leading ? this.engine.afterPending(() => this.save()) : Promise.resolve();
  }

  private async resume(): Promise<void> {
    const { rows } = await this.pool.query<{ seq: number; error_from: number | null; error_to: number | null }>('SELECT seq, error_from, error_to FROM alert_feed_position');
    const saved = rows[0];
    if (!saved) {
      // The first leader of this database evaluates from now on.
      this.position = this.feed.lastSeq();
    } else {
      this.position = Number(saved.seq);
      if (saved.error_from !== null && saved.error_to !== null) this.engine.restoreErrors([saved.error_from, saved.error_to]);
      for (;;) {
        const upTo = this.feed.lastSeq();
        if (this.position >= upTo) break;
        const page = await this.feed.changesBetween({}, this.position, upTo, PAGE);
        if (!this.leading) return;
        if (page.length > 0) this.handOver(page, false);
        // A short page ends the range: spans changed again later come with their newer seq.
        if (page.length < PAGE) this.position = Math.max(this.position, upTo);
      }
    }
    // Synchronously after the last read: every change up to lastSeq() is handed over, later ones arrive live.
    this.live = true;
    await this.engine.afterPending(() => this.save());
  }

  private handOver(spans: readonly Span[], saveSoon = true): void {
    this.position = spans.reduce((max, span) => Math.max(max, span.seq), this.position);
    this.engine.onSpans(spans);
    if (saveSoon) void this.engine.afterPending(() => this.maybeSave()).catch(this.onError);
  }

  /** After the engine handled a batch: saved at once after a transition, else within a second. */
  private async maybeSave(): Promise<void> {
    if (this.engine.transitions !== this.savedTransitions || this.now() - this.savedAt >= SAVE_EVERY_MS) {
      await this.save();
      return;
    }
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      if (this.leading) void this.engine.afterPending(() => this.save()).catch(this.onError);
    }, SAVE_EVERY_MS);
    this.saveTimer.unref();
  }

  /** Only forward: a hub that lost the lead without noticing yet never moves the position back. */
  private async save(): Promise<void> {
    if (!this.leading) return;
    const transitions = this.engine.transitions;
    const errors = this.engine.pendingErrors();
    await this.pool.query(
      `INSERT INTO alert_feed_position AS p (id, seq, error_from, error_to, updated_at) VALUES (true, $1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, error_from = excluded.error_from, error_to = excluded.error_to, updated_at = excluded.updated_at
       WHERE p.seq <= excluded.seq`,
      [this.position, errors?.[0] ?? null, errors?.[1] ?? null, this.now()],
    );
    this.savedAt = this.now();
    this.savedTransitions = transitions;
  }

  /**
   * The events other hubs left, in the order they came, evaluated and then deleted: a leader that
   * dies in between leaves them to the next one (a deployment's state evaluated twice changes nothing).
   */
  private async drainInbox(): Promise<void> {
    for (;;) {
      const { rows } = await this.pool.query<{ id: number; event: DeploymentHealth }>('SELECT id, event FROM alert_inbox ORDER BY id LIMIT $1', [PAGE]);
      if (rows.length === 0 || !this.leading) return;
      for (const row of rows) this.engine.onDeployment(row.event);
      await this.engine.afterPending(() => Promise.resolve());
      await this.pool.query('DELETE FROM alert_inbox WHERE id = ANY($1)', [rows.map((row) => row.id)]);
      if (rows.length < PAGE) return;
    }
  }

  close(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.leading = false;
  }
}
