/**
 * Which hub evaluates the alert rules. One hub alone: always this one. Several hubs on one
 * PostgreSQL: the one holding a session-level advisory lock (postgres-leadership.ts).
 */
export interface Leadership {
  /** Whether this hub leads now; takes the lead when nobody holds it. */
  isLeader(): Promise<boolean>;
  close(): Promise<void>;
}

export const SOLE_HUB: Leadership = { isLeader: () => Promise.resolve(true), close: () => Promise.resolve() };
