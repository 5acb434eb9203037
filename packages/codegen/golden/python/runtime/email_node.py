"""The email node over SMTP (smtplib, in a worker thread), as the engine's nodes/builtin/email.ts:
STARTTLS when offered, required STARTTLS, implicit TLS or none; a refused login is EMAIL_AUTH, a
refused message EMAIL_REJECTED (4xx deferrals carry status 503 for the retry policy), connection
problems keep an errno-like code. Outputs { messageId, accepted, rejected, response }."""

import asyncio
import re
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid

from .errors import NodeFailure, permanent
from .values import UNDEFINED, to_text

TLS_MODES = ("starttls", "require-starttls", "implicit", "none")


def _addresses(raw, field):
    if raw is None or raw is UNDEFINED or raw == "":
        return []
    items = [to_text(v) for v in raw] if isinstance(raw, list) else [to_text(raw)]
    if any(re.search(r"[\r\n]", a) for a in items):
        raise permanent("CONFIG_INVALID", f'"{field}" holds a line break', field)
    return [a.strip() for item in items for a in re.split(r"[,;]", item) if a.strip()]


def _headers(raw):
    if raw is None or raw is UNDEFINED or raw == "":
        return {}
    if not isinstance(raw, dict):
        raise permanent("CONFIG_INVALID", '"headers" must be an object of names to values', "headers")
    out = {}
    for name, value in raw.items():
        text = to_text(value)
        if re.search(r"[\r\n]", name) or re.search(r"[\r\n]", text):
            raise permanent("CONFIG_INVALID", f'header "{name[:40]}" holds a line break', "headers")
        out[name] = text
    return out


def _bare(address):
    return getaddresses([address])[0][1] or address


def _send(config, message, envelope_from, recipients):
    tls = config["tls"]
    timeout = config["timeoutMs"] / 1000
    context = ssl.create_default_context(cadata=to_text(config["ca"]) if config.get("ca") else None)
    if config.get("rejectUnauthorized") is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    host = to_text(config["host"])
    server_name = to_text(config.get("servername")) or host
    if tls == "implicit":
        client = smtplib.SMTP_SSL(host, config["port"], timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(host, config["port"], timeout=timeout)
    try:
        client.ehlo()
        if tls in ("starttls", "require-starttls"):
            if client.has_extn("starttls"):
                client._host = server_name  # the name the certificate is checked against
                client.starttls(context=context)
                client.ehlo()
            elif tls == "require-starttls":
                raise NodeFailure("ETLS", "TLS with the SMTP server failed: the server does not offer STARTTLS", non_retryable=True)
        if config.get("user"):
            client.login(to_text(config["user"]), to_text(config.get("password")))
        code, reply = client.mail(envelope_from)
        if code >= 400:
            raise smtplib.SMTPSenderRefused(code, reply, envelope_from)
        accepted, rejected = [], []
        for rcpt in recipients:
            code, _ = client.rcpt(rcpt)
            (accepted if code < 400 else rejected).append(rcpt)
        if not accepted:
            raise smtplib.SMTPRecipientsRefused({r: (550, b"refused") for r in rejected})
        code, reply = client.data(message.as_bytes())
        if code >= 400:
            raise smtplib.SMTPDataError(code, reply)
        return accepted, rejected, f"{code} {reply.decode('utf-8', 'replace')}"
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


async def send_email(config):
    tls = to_text(config.get("tls") or "starttls")
    if tls not in TLS_MODES:
        raise permanent("CONFIG_INVALID", f'"tls" must be one of {", ".join(TLS_MODES)}', "tls")
    sender = (_addresses(config.get("from"), "from") or [""])[0]
    if not sender:
        raise permanent("CONFIG_INVALID", '"from" is required', "from")
    to = _addresses(config.get("to"), "to")
    if not to:
        raise permanent("CONFIG_INVALID", '"to" names no address', "to")
    cc, bcc = _addresses(config.get("cc"), "cc"), _addresses(config.get("bcc"), "bcc")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    reply_to = _addresses(config.get("replyTo"), "replyTo")
    if reply_to:
        message["Reply-To"] = reply_to[0]
    message["Subject"] = re.sub(r"[\r\n]+", " ", to_text(config.get("subject")))
    message_id = make_msgid(domain=_bare(sender).split("@")[-1] or "localhost")
    message["Message-ID"] = message_id
    for name, value in _headers(config.get("headers")).items():
        message[name] = value
    text, html = config.get("text"), config.get("html")
    message.set_content(to_text(text) if text is not None and text is not UNDEFINED else "")
    if html is not None and html is not UNDEFINED:
        message.add_alternative(to_text(html), subtype="html")
    recipients = [_bare(a) for a in to + cc + bcc]
    try:
        accepted, rejected, response = await asyncio.to_thread(_send, {**config, "tls": tls}, message, _bare(sender), recipients)
    except NodeFailure:
        raise
    except smtplib.SMTPAuthenticationError as error:
        raise NodeFailure("EMAIL_AUTH", f"SMTP login refused: {error}", non_retryable=True, details={"responseCode": error.smtp_code}) from None
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        code = getattr(error, "smtp_code", 550)
        if 400 <= code < 500:
            raise NodeFailure("EMAIL_REJECTED", f"SMTP server deferred the message: {error}", status=503, details={"responseCode": code}) from None
        raise NodeFailure("EMAIL_REJECTED", f"SMTP server refused the message: {error}", non_retryable=True, details={"responseCode": code}) from None
    except ssl.SSLError as error:
        raise NodeFailure("ETLS", f"TLS with the SMTP server failed: {error}", non_retryable=True) from None
    except (socket.timeout, TimeoutError) as error:
        raise NodeFailure("ETIMEDOUT", f"SMTP connection failed: {error}") from None
    except ConnectionRefusedError as error:
        raise NodeFailure("ECONNREFUSED", f"SMTP connection failed: {error}") from None
    except socket.gaierror as error:
        raise NodeFailure("ENOTFOUND", f"SMTP connection failed: {error}") from None
    except (smtplib.SMTPServerDisconnected, ConnectionError, OSError) as error:
        raise NodeFailure("ECONNRESET", f"SMTP connection failed: {error}") from None
    return {"messageId": message_id, "accepted": accepted, "rejected": rejected, "response": response}
