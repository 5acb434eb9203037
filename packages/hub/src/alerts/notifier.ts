import nodemailer, { type Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { Alert } from './alert-store.js';
import { describeCondition, type AlertRule } from './rules.js';

export type Transition = 'fired' | 'resolved';

/** Attempts per webhook delivery, with a pause that doubles from 1 s between them. */
const WEBHOOK_ATTEMPTS = 3;
const WEBHOOK_TIMEOUT_MS = 10_000;

export interface NotifierOptions {
  smtpUrl?: string;
  mailFrom?: string;
  log: FastifyBaseLogger;
}

/**
 * Tells people about a transition: a Slack-compatible webhook (`text` + one attachment, which
 * Slack, Mattermost and most chat tools accept) and mail over SMTP. Deliveries run in the
 * background: a slow webhook never holds up evaluation; failures are logged with the rule's name.
 */
export class Notifier {
  private readonly mail: Transporter | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: NotifierOptions) {
    this.mail = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  }

  /** Starts the deliveries for a transition; answers the channels it is telling. */
  notify(rule: AlertRule, alert: Alert, transition: Transition): string[] {
    const channels = ['in-app'];
    if (rule.webhookUrl) {
      channels.push('webhook');
      this.track(this.postWebhook(rule.webhookUrl, slackPayload(rule, alert, transition)), rule, 'webhook');
    }
    if (rule.email.length > 0 && this.mail) {
      channels.push('email');
      this.track(this.sendMail(rule, alert, transition), rule, 'email');
    } else if (rule.email.length > 0) {
      this.options.log.warn(`alert rule "${rule.name}": no SMTP server configured (--smtp-url), mail not sent`);
    }
    return channels;
  }

  private track(delivery: Promise<void>, rule: AlertRule, channel: string): void {
    const tracked = delivery.catch((error: unknown) => {
      this.options.log.warn({ err: error }, `alert rule "${rule.name}": ${channel} notification failed`);
    });
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async postWebhook(url: string, payload: unknown): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < WEBHOOK_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** (attempt - 1)));
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        await response.body?.cancel();
        if (response.ok) return;
        // A 4xx other than 429 will not get better by sending again.
        lastError = new Error(`webhook answered ${response.status}`);
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  private async sendMail(rule: AlertRule, alert: Alert, transition: Transition): Promise<void> {
    const { subject, text } = mailOf(rule, alert, transition);
    await this.mail!.sendMail({ from: this.options.mailFrom ?? 'runtime-hub <runtime-hub@localhost>', to: rule.email, subject, text });
  }

  /** Waits for deliveries still running (shutdown, tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  close(): void {
    this.mail?.close();
  }
}

function headline(rule: AlertRule, alert: Alert, transition: Transition): string {
  return `${transition === 'fired' ? 'FIRING' : 'RESOLVED'}: ${rule.name} - ${alert.title}`;
}

/** Incoming-webhook JSON: `text` for every client, one attachment with a colour bar and fields. */
export function slackPayload(rule: AlertRule, alert: Alert, transition: Transition) {
  const fields = [
    { title: 'Rule', value: describeCondition(rule.condition), short: false },
    ...Object.entries(alert.labels).map(([title, value]) => ({ title, value, short: true })),
    { title: 'Since', value: new Date(alert.startedAt).toISOString(), short: true },
  ];
  return {
    text: headline(rule, alert, transition),
    attachments: [
      {
        fallback: headline(rule, alert, transition),
        color: transition === 'fired' ? '#d1242f' : '#1a7f37',
        title: alert.title,
        fields,
        footer: `runtime-hub alert ${alert.id}`,
        ts: Math.floor((transition === 'fired' ? alert.startedAt : (alert.resolvedAt ?? alert.startedAt)) / 1000),
      },
    ],
  };
}

export function mailOf(rule: AlertRule, alert: Alert, transition: Transition): { subject: string; text: string } {
  const lines = [
    headline(rule, alert, transition),
    '',
    `Rule: ${describeCondition(rule.condition)}`,
    ...Object.entries(alert.labels).map(([key, value]) => `${key}: ${value}`),
    `Since: ${new Date(alert.startedAt).toISOString()}`,
    ...(alert.resolvedAt ? [`Resolved: ${new Date(alert.resolvedAt).toISOString()}`] : []),
    '',
    `Alert ${alert.id} in the runtime-hub dashboard: /alerts`,
  ];
  return { subject: `[runtime-hub] ${headline(rule, alert, transition)}`, text: lines.join('\n') };
}
