import { NodeFailure, permanent } from '../../errors.js';
import { toText } from '../../expr/index.js';
import type { MailMessage, SmtpOptions } from '../../ports.js';
import type { NodeType } from '../types.js';

const TLS_MODES = ['starttls', 'require-starttls', 'implicit', 'none'] as const;

/** `a@x.org, b@y.org` or a list of addresses → a list; empty entries dropped. */
function addresses(raw: unknown, field: string): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const list = Array.isArray(raw) ? raw.map((v) => toText(v)) : [toText(raw)];
  // A CR or LF in an address would let a value from a webhook add SMTP headers.
  if (list.some((a) => /[\r\n]/.test(a))) throw permanent('CONFIG_INVALID', `"${field}" holds a line break`, field);
  return list
    .flatMap((a) => a.split(/[,;]/))
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
}

function headerMap(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw permanent('CONFIG_INVALID', '"headers" must be an object of names to values', 'headers');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const text = toText(value);
    if (/[\r\n]/.test(name) || /[\r\n]/.test(text)) throw permanent('CONFIG_INVALID', `header "${name.slice(0, 40)}" holds a line break`, 'headers');
    out[name] = text;
  }
  return out;
}

/**
 * Maps a transport failure to a stable code: a refused login or a refused recipient will not get
 * better by retrying; connection problems keep their errno-like code so the retry policy sees them.
 */
function mailFailure(error: unknown): never {
  const e = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  // Certificate problems and a server without STARTTLS (when required) will not heal by retrying.
  if (e.code === 'ETLS' || /certificate|self[- ]signed/i.test(message)) throw new NodeFailure('ETLS', `TLS with the SMTP server failed: ${message}`, { nonRetryable: true });
  if (e.code === 'EAUTH') throw new NodeFailure('EMAIL_AUTH', `SMTP login refused: ${message}`, { nonRetryable: true, details: { responseCode } });
  if (e.code === 'EENVELOPE' || (responseCode !== undefined && responseCode >= 500)) {
    throw new NodeFailure('EMAIL_REJECTED', `SMTP server refused the message: ${message}`, { nonRetryable: true, details: { responseCode } });
  }
  if (responseCode !== undefined && responseCode >= 400) {
    // 4xx is "try again later" in SMTP; EMAIL_REJECTED with a status the retry policy can match.
    throw new NodeFailure('EMAIL_REJECTED', `SMTP server deferred the message: ${message}`, { status: 503, details: { responseCode } });
  }
  if (e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.code === 'ETIMEDOUT' || e.code === 'EDNS') {
    const cause = (error as { cause?: unknown }).cause;
    throw new NodeFailure(e.code === 'ECONNECTION' ? 'ECONNREFUSED' : e.code === 'ESOCKET' ? 'ECONNRESET' : e.code === 'EDNS' ? 'ENOTFOUND' : 'ETIMEDOUT', `SMTP connection failed: ${message}`, { cause });
  }
  throw error;
}

/** Sends an email over SMTP (nodemailer): STARTTLS, implicit TLS or plain, with login from secrets. */
export const emailNode: NodeType = {
  info: {
    type: 'email',
    name: 'Email',
    category: 'action',
    description:
      'Sends an email over SMTP. Outputs { messageId, accepted, rejected, response }. Keep the password in a secret; a refused login fails with EMAIL_AUTH, a refused message with EMAIL_REJECTED (not retried), connection errors are retried by the node\'s policy.',
    fields: [
      { name: 'host', label: 'SMTP host', type: 'string', required: true, help: 'Example: smtp.example.com, or {{ env.SMTP_HOST }}' },
      { name: 'port', label: 'Port', type: 'number', default: 587, min: 1, max: 65_535, help: '587 for STARTTLS, 465 for implicit TLS, 25 for a local relay.' },
      {
        name: 'tls',
        label: 'TLS',
        type: 'select',
        default: 'starttls',
        help: 'STARTTLS upgrades when the server offers it; "require" fails when it does not; implicit TLS is port 465; none never encrypts (a relay on this machine only).',
        options: [
          { value: 'starttls', label: 'STARTTLS when offered' },
          { value: 'require-starttls', label: 'Require STARTTLS' },
          { value: 'implicit', label: 'Implicit TLS (465)' },
          { value: 'none', label: 'None (local relay)' },
        ],
      },
      { name: 'rejectUnauthorized', label: 'Verify certificate', type: 'boolean', default: true, help: 'Turn off only for a test server with a self-signed certificate; better: give its CA below.' },
      { name: 'ca', label: 'CA certificate (PEM)', type: 'text', help: 'Trust this CA for the server\'s certificate (a private or self-signed one).' },
      { name: 'servername', label: 'TLS server name', type: 'string', help: 'The name the certificate carries, when it differs from the host (an IP address, a tunnel).' },
      { name: 'user', label: 'User', type: 'string', help: 'Leave empty for a server without login.' },
      { name: 'password', label: 'Password', type: 'string', help: 'Use a secret: {{ secrets.SMTP_PASSWORD }}' },
      { name: 'from', label: 'From', type: 'string', required: true, help: 'Example: "Sales" <sales@example.com>' },
      { name: 'to', label: 'To', type: 'string', required: true, help: 'One address, several separated by commas, or an expression giving a list.' },
      { name: 'cc', label: 'Cc', type: 'string', help: 'Addresses separated by commas.' },
      { name: 'bcc', label: 'Bcc', type: 'string', help: 'Addresses separated by commas.' },
      { name: 'replyTo', label: 'Reply to', type: 'string', help: 'Where answers go.' },
      { name: 'subject', label: 'Subject', type: 'string', required: true, help: 'Example: Welcome, {{ trigger.body.name }}' },
      { name: 'text', label: 'Text body', type: 'text', help: 'The plain-text body.' },
      { name: 'html', label: 'HTML body', type: 'text', help: 'An HTML alternative; values from expressions are inserted as they are, so escape untrusted ones.' },
      { name: 'headers', label: 'Extra headers', type: 'map', help: 'Example: { "X-Campaign": "spring" }' },
      { name: 'timeoutMs', label: 'Timeout (ms)', type: 'number', default: 30_000, min: 1, max: 600_000, help: 'Time limit for connecting and for each SMTP reply.' },
    ],
    outputs: ['main'],
  },
  check(config, report) {
    if (typeof config.tls === 'string' && !(TLS_MODES as readonly string[]).includes(config.tls)) report('tls', `"tls" must be one of ${TLS_MODES.join(', ')}`);
    if (config.text === undefined && config.html === undefined) report('text', 'give a text or an HTML body');
  },
  run: async ({ config, services, signal }) => {
    const mail = services.mail;
    if (!mail) throw permanent('INTERNAL', 'this engine was started without a mail transport');
    const tls = toText(config.tls ?? 'starttls') as SmtpOptions['tls'];
    if (!TLS_MODES.includes(tls)) throw permanent('CONFIG_INVALID', `"tls" must be one of ${TLS_MODES.join(', ')}`, 'tls');
    const smtp: SmtpOptions = {
      host: toText(config.host),
      port: config.port as number,
      tls,
      rejectUnauthorized: config.rejectUnauthorized !== false,
      timeoutMs: config.timeoutMs as number,
    };
    if (config.ca) smtp.ca = toText(config.ca);
    if (config.servername) smtp.servername = toText(config.servername);
    if (config.user) smtp.user = toText(config.user);
    if (config.password) smtp.password = toText(config.password);
    const message: MailMessage = {
      from: addresses(config.from, 'from')[0] ?? '',
      to: addresses(config.to, 'to'),
      cc: addresses(config.cc, 'cc'),
      bcc: addresses(config.bcc, 'bcc'),
      subject: toText(config.subject).replace(/[\r\n]+/g, ' '),
      headers: headerMap(config.headers),
    };
    if (!message.from) throw permanent('CONFIG_INVALID', '"from" is required', 'from');
    if (message.to.length === 0) throw permanent('CONFIG_INVALID', '"to" names no address', 'to');
    if (config.replyTo) message.replyTo = addresses(config.replyTo, 'replyTo')[0];
    if (config.text !== undefined && config.text !== null) message.text = toText(config.text);
    if (config.html !== undefined && config.html !== null) message.html = toText(config.html);
    try {
      const result = await mail.send({ smtp, message, signal });
      return { output: { messageId: result.messageId, accepted: result.accepted, rejected: result.rejected, response: result.response } };
    } catch (error) {
      if (signal.aborted) throw error;
      return mailFailure(error);
    }
  },
};
