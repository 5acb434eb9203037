import type { IngestResult } from '../ingest/ingest.js';

/**
 * A worker's ingest: its workflow spans go to a hub's `POST /api/v1/spans`, the same path every
 * SDK uses (validation, pricing, persist, then the change feed that every hub's live channel
 * follows). A 429 or 503 is retried after its Retry-After; anything else that is not a 200 throws,
 * and the engine re-emits the spans of a run that still owes them on the next start.
 */
export function httpIngest(hubUrl: string, token: string | undefined): (records: readonly unknown[]) => Promise<IngestResult> {
  const url = `${hubUrl.replace(/\/+$/, '')}/api/v1/spans`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return async (records) => {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ spans: records }) });
      if ((response.status === 429 || response.status === 503) && attempt < 5) {
        const seconds = Number(response.headers.get('retry-after'));
        await response.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 30) * 1000 : 500 * attempt));
        continue;
      }
      if (!response.ok) throw new Error(`the hub answered ${response.status} to the worker's spans`);
      const body = (await response.json()) as IngestResult;
      return { accepted: body.accepted, rejected: body.rejected ?? [] };
    }
  };
}
