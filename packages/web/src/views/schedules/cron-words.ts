import cronstrue from 'cronstrue';

/** "0 9 * * *" in Europe/Zurich → "At 09:00 AM, Europe/Zurich" (cronstrue, 24-hour clock); null when it cannot be read. */
export function cronInWords(expression: string, timezone: string): string | null {
  try {
    return `${cronstrue.toString(expression, { use24HourTimeFormat: true, verbose: false })}, ${timezone}`;
  } catch {
    return null;
  }
}

export const PRESETS: { label: string; expression: string }[] = [
  { label: 'Every 5 minutes', expression: '*/5 * * * *' },
  { label: 'Every hour', expression: '0 * * * *' },
  { label: 'Every day at 09:00', expression: '0 9 * * *' },
  { label: 'Weekdays at 09:00', expression: '0 9 * * 1-5' },
  { label: 'Every Monday at 08:00', expression: '0 8 * * 1' },
  { label: 'First of the month', expression: '0 0 1 * *' },
];

/** Every IANA zone the browser knows (Intl), UTC first. */
export function timeZones(): string[] {
  const zones = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

/** A time shown in the schedule's own zone, with the zone's offset (so DST changes are visible). */
export function inZone(iso: string, timezone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZoneName: 'shortOffset' }).format(new Date(iso));
  } catch {
    return iso;
  }
}
