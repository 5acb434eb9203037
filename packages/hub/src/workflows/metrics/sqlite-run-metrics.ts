import type Database from 'better-sqlite3';
import type { StoreBatch } from '@runtime-hub/engine';
import { ROLLUP_SCHEMA } from './rollup-schema.js';
import type { MetricsQuery, MetricsReport, ProjectMetrics, RunMetricsStore } from './run-metrics.js';
import { SqliteMetricsReader } from './sqlite-metrics-reader.js';
import { SqliteRollupWriter } from './sqlite-rollup-writer.js';

/** {@link RunMetricsStore} on the run store's SQLite database (the rollups live next to the runs). */
export class SqliteRunMetrics implements RunMetricsStore {
  private readonly write: (batches: readonly StoreBatch[]) => void;
  private readonly reader: SqliteMetricsReader;

  constructor(
    db: Database.Database,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    db.exec(ROLLUP_SCHEMA);
    const writer = new SqliteRollupWriter(db);
    // Nested in the run store's transaction this is a savepoint: a failure undoes only the rollups.
    this.write = db.transaction((batches: readonly StoreBatch[]) => writer.record(batches));
    this.reader = new SqliteMetricsReader(db);
  }

  /** Never throws: metrics must not stop runs from being stored. */
  record(batches: readonly StoreBatch[]): void {
    try {
      this.write(batches);
    } catch (error) {
      this.onError(error);
    }
  }

  report(query: MetricsQuery): Promise<MetricsReport> {
    return Promise.resolve(this.reader.report(query));
  }

  projects(range: { from: number; to: number }): Promise<ProjectMetrics[]> {
    return Promise.resolve(this.reader.projects(range));
  }

  lastChanges(): Promise<Record<string, number>> {
    return Promise.resolve(this.reader.lastChanges());
  }
}
