import { create } from 'zustand';
import type { ServiceInfo } from '../api/types';
import type { ConnectionState } from '../live/live-client';

export interface HubState {
  connection: ConnectionState;
  /** Spans per second arriving on the live channel. */
  rate: number;
  /** Spans stored in the hub (from /api/health). */
  storedSpans: number | null;
  version: string | null;
  services: ServiceInfo[];
  servicesLoaded: boolean;
}

/** What the status bar and the apps panel show about the hub. */
export const useHub = create<HubState>()(() => ({
  connection: { status: 'connecting', attempt: 0 },
  rate: 0,
  storedSpans: null,
  version: null,
  services: [],
  servicesLoaded: false,
}));
