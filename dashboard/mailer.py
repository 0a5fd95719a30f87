"""Send one e-mail (plain text and HTML alternatives) through the configured SMTP server.

STARTTLS (or TLS on port 465) with the system's certificate checks; never falls back to
plain text when STARTTLS is asked for. Never prints or logs the password.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from collectors.config import SmtpSettings
from collectors.errors import JejaringError

TIMEOUT_S = 60


class MailError(JejaringError):
    """The e-mail could not be sent; the message says why (never a secret)."""


def build_message(
    sender: str, recipients: Sequence[str], subject: str, text: str, html: str
) -> EmailMessage:
    """A multipart/alternative message: the plain text first, the HTML as the richer part."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate()
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Deliver ``message`` through ``smtp``; raise :class:`MailError` on any failure."""
    where = f"{smtp.host}:{smtp.port}"
    context = ssl.create_default_context()
    try:
        if smtp.port == 465:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=TIMEOUT_S, context=context
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_S)
        with client:
            client.ehlo()
            if smtp.starttls and smtp.port != 465:
                client.starttls(context=context)
                client.ehlo()
            if smtp.user and smtp.password:
                client.login(smtp.user, smtp.password)
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(
            f"the mail server {where} refused the login of JEJARING_SMTP_USER "
            f"({exc.smtp_code}); check the user and password"
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(
            f"the mail server {where} does not offer STARTTLS; set JEJARING_SMTP_STARTTLS=false "
            "only for a relay on the same machine"
        ) from None
    except ssl.SSLError as exc:
        raise MailError(f"no secure connection to the mail server {where}: {exc.reason}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"the e-mail could not be sent through {where}: {exc}") from None
    if refused:
        raise MailError(f"the mail server {where} refused: {', '.join(sorted(refused))}")
