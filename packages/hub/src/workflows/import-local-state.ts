import type Database from 'better-sqlite3';
import type pg from 'pg';
import { inTransaction } from '../store/postgres/pool.js';
import { SqliteSecretRows } from './secrets/secret-rows.js';
import { SecretVault } from './secrets/secret-vault.js';

/**
 * A hub moving to `--db` (or upgraded from a version that kept them in the data folder) copies what
 * its `workflows.sqlite` holds that PostgreSQL lacks: secrets its key can decrypt, saved workflow
 * versions and template uses. Nothing already in PostgreSQL is overwritten, so every hub may do it
 * at every start. Runs and their metrics stay where they were.
 */
export async function importLocalState(db: Database.Database, pool: pg.Pool, key: Buffer | undefined): Promise<{ secrets: number; versions: number; templateUses: number }> {
  const local = new SqliteSecretRows(db);
  const vault = new SecretVault(local, key);
  const projects = (db.prepare('SELECT DISTINCT project FROM secrets').pluck().all() as string[]).filter((p) => Object.keys(vault.values(p)).length > 0);
  const secrets = projects.flatMap((project) => {
    const readable = vault.values(project);
    return local.list(project).filter((row) => row.name in readable).map((row) => ({ project, ...row }));
  });
  const versions = db.prepare('SELECT project, workflow, version, saved_at, definition FROM workflow_versions').all() as { project: string; workflow: string; version: number; saved_at: number; definition: string }[];
  const tableExists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'template_uses'").get() !== undefined;
  const uses = tableExists ? (db.prepare('SELECT project, workflow, template, created_at FROM template_uses').all() as { project: string; workflow: string; template: string; created_at: number }[]) : [];
  return inTransaction(pool, async (client) => {
    const count = async (sql: string, params: unknown[]) => (await client.query(sql, params)).rowCount ?? 0;
    return {
      secrets: secrets.length
        ? await count(
            `INSERT INTO wf_secrets (project, name, iv, tag, ciphertext, updated_at) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[], $5::bytea[], $6::float8[]) ON CONFLICT DO NOTHING`,
            [secrets.map((s) => s.project), secrets.map((s) => s.name), secrets.map((s) => s.iv), secrets.map((s) => s.tag), secrets.map((s) => s.ciphertext), secrets.map((s) => s.updatedAt)],
          )
        : 0,
      versions: versions.length
        ? await count(
            `INSERT INTO wf_versions (project, workflow, version, saved_at, definition) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[], $5::text[]) ON CONFLICT DO NOTHING`,
            [versions.map((v) => v.project), versions.map((v) => v.workflow), versions.map((v) => v.version), versions.map((v) => v.saved_at), versions.map((v) => v.definition)],
          )
        : 0,
      templateUses: uses.length
        ? await count(
            `INSERT INTO wf_template_uses (project, workflow, template, created_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) ON CONFLICT DO NOTHING`,
            [uses.map((u) => u.project), uses.map((u) => u.workflow), uses.map((u) => u.template), uses.map((u) => u.created_at)],
          )
        : 0,
    };
  });
}
