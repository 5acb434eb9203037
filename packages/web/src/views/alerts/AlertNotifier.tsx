import { useEffect } from 'react';
import { alertsApi } from './alerts-api';

const POLL_MS = 5000;

/**
 * Mounted once in the app shell: follows the hub's alert history and shows each alert that fires
 * or resolves as a browser notification, when the user allowed them (Alerts view). Titles are
 * plain text in a notification, never markup.
 */
export function AlertNotifier() {
  useEffect(() => {
    if (typeof Notification === 'undefined') return;
    let last: number | undefined;
    let stopped = false;
    const poll = async () => {
      try {
        if (last === undefined) {
          last = (await alertsApi.events(undefined, 1)).events.at(-1)?.id ?? 0;
          return;
        }
        for (const event of (await alertsApi.events(last)).events) {
          last = event.id;
          if (event.type === 'acknowledged' || event.notified.includes('silenced') || Notification.permission !== 'granted') continue;
          new Notification(`runtime-hub: ${event.type === 'fired' ? 'FIRING' : 'RESOLVED'}`, { body: event.title, tag: `alert-${event.alertId}-${event.type}` });
        }
      } catch {
        // The hub is away or the alerts feature is off: try again at the next turn.
      }
    };
    void poll();
    const timer = setInterval(() => {
      if (!stopped) void poll();
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  return null;
}
