import type { RecordRejection } from '@runtime-hub/protocol';

/** Rejections a reply lists one by one; the rest are counted. */
export const LISTED_REJECTIONS = 100;

/**
 * A bounded ingest reply: the first `LISTED_REJECTIONS` rejections in full and, when there were
 * more, `rejectedCount` with the total; so 300 KB of empty records answer with a few KB, not a
 * 15 MB list of the same message. Replies with few rejections are unchanged.
 */
export function boundedRejections(result: { accepted: number; rejected: RecordRejection[] }) {
  const { accepted, rejected } = result;
  if (rejected.length <= LISTED_REJECTIONS) return { accepted, rejected };
  return { accepted, rejected: rejected.slice(0, LISTED_REJECTIONS), rejectedCount: rejected.length };
}
