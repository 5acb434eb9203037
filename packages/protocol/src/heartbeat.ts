import { z } from 'zod';
import type { UsageTotals } from './api.js';
import { SPAN_LIMITS } from './limits.js';

const short = z.string().min(1).max(SPAN_LIMITS.maxNameLength);

export const HEARTBEAT_LIMITS = {
  /** Distinct reasons in `dropped`. */
  maxDropReasons: 32,
  /** Length of one reason. */
  maxDropReasonLength: 64,
} as const;

/** Presence of one running app instance; SDKs send it every few seconds. */
export const Heartbeat = z.object({
  service: short,
  instanceId: short,
  pid: z.number().int().nonnegative().optional(),
  host: short.optional(),
  language: short.optional(),
  runtimeVersion: short.optional(),
  sdk: z.object({ name: short, version: short }).optional(),
  /**
   * Spans the SDK dropped so far, by reason (`queue_full`, `sampled_out`, …). Bounded, because it
   * is stored and served in every services reply: a few reasons with short names and counts.
   */
  dropped: z
    .record(z.string().min(1).max(HEARTBEAT_LIMITS.maxDropReasonLength), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER))
    .refine((map) => Object.keys(map).length <= HEARTBEAT_LIMITS.maxDropReasons, {
      message: `must have at most ${HEARTBEAT_LIMITS.maxDropReasons} reasons`,
    })
    .optional(),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

/** A service (app) as the query API and the live channel describe it. */
export interface ServiceInfo {
  service: string;
  online: boolean;
  instances: InstanceInfo[];
  language: string | null;
  sdk: string | null;
  firstSeen: number;
  lastSeen: number;
  activity: ServiceActivity;
  /** LLM tokens and cost over the service's stored spans (GET /api/v1/services), marked partial when some calls had no price. */
  usage?: UsageTotals;
}

/** Recent activity of a service, counted by the hub as spans arrive. */
export interface ServiceActivity {
  /** Spans started in the last 60 seconds. */
  callsPerMinute: number;
  /** Share of spans that ended in error over the last 5 minutes; null without spans. */
  errorRate: number | null;
  /** Spans per minute over the last 30 minutes, oldest first (for a sparkline). */
  sparkline: number[];
}

export interface InstanceInfo {
  instanceId: string;
  pid: number | null;
  host: string | null;
  language: string | null;
  runtimeVersion: string | null;
  sdk: string | null;
  online: boolean;
  lastSeen: number;
  dropped: Record<string, number>;
}
