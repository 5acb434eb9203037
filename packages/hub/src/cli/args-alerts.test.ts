import { describe, expect, it } from 'vitest';
import { parseStartArgs, UsageError } from './args.js';

describe('start flags of metrics and alerts', () => {
  it('turns rollups off and takes the SMTP server and sender from flags or the environment', () => {
    expect(parseStartArgs(['--no-rollups', '--smtp-url', 'smtp://user:pw@mail.example.com:587', '--mail-from', 'hub@example.com'], {}).config).toMatchObject({
      rollups: false,
      alerts: { smtpUrl: 'smtp://user:pw@mail.example.com:587', mailFrom: 'hub@example.com' },
    });
    expect(parseStartArgs([], { RUNTIME_HUB_NO_ROLLUPS: '1', RUNTIME_HUB_SMTP_URL: 'smtps://mail.example.com' }).config).toMatchObject({
      rollups: false,
      alerts: { smtpUrl: 'smtps://mail.example.com' },
    });
    expect(parseStartArgs([], {}).config.rollups).toBeUndefined();
  });

  it('refuses an SMTP address that is not an smtp:// or smtps:// URL', () => {
    expect(() => parseStartArgs(['--smtp-url', 'mail.example.com:25'], {})).toThrow(UsageError);
  });
});
