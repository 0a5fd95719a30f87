"""Every error Jejaring raises on purpose, in one hierarchy.

Messages are written for librarians: they name the file or account and say what to do.
This module must not import any platform library.
"""

from __future__ import annotations


class JejaringError(Exception):
    """Base of every error Jejaring raises on purpose."""


class ConfigError(JejaringError):
    """The configuration file cannot be used; the message names file, entry and field."""

    def __init__(
        self,
        path: str,
        message: str,
        *,
        entry: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.path = path
        self.entry = entry
        self.field = field
        self.line = line
        self.detail = message
        where = path if line is None else f"{path}, line {line}"
        parts = [where]
        if entry:
            parts.append(entry)
        if field:
            parts.append(f"field '{field}'")
        super().__init__(": ".join(parts) + ": " + message)


class StoreError(JejaringError):
    """The database cannot be used as it is (unreachable, damaged, newer, full, read-only);
    the message names the database and says what to do.

    It carries a ``key`` of :data:`collectors.messages.MESSAGES` with parameters, never
    text of one language: the dashboard shows it in the reader's language (``str()`` is
    English, for the command line). ``kind`` says what went wrong (see
    ``collectors.store.faults``); ``account_level`` is true when only the rows being written
    were refused (the database itself works), so a refresh fails that account and goes on.
    """

    def __init__(
        self,
        *,
        key: str,
        kind: str = "failed",
        account_level: bool = False,
        **params: object,
    ) -> None:
        from collectors.messages import render

        self.key = key
        self.kind = kind
        self.account_level = account_level
        self.params = {k: str(v) for k, v in params.items()}
        self.detail = render(key, "en", **self.params)
        super().__init__(self.detail)

    def text(self, lang: str) -> str:
        """The message in ``lang``; ``where`` (the database, in English) is replaced by its
        ``where_id`` parameter in Bahasa Indonesia when it has one."""
        from collectors.messages import render

        params = dict(self.params)
        if lang == "id" and "where_id" in params:
            params["where"] = params["where_id"]
        return render(self.key, lang, **params)


class CollectorError(JejaringError):
    """A collector could not finish an account; carries the account and advice.

    Give either an English ``message`` or a ``key`` of :data:`collectors.messages.MESSAGES`
    with its parameters: with a key the dashboard shows the message in the reader's language
    (``str()`` is always English, for the CLI and logs).
    """

    #: When true, the rest of the platform is skipped for this run (quota, bad key, 429).
    stops_platform: bool = False

    def __init__(
        self, account: str, message: str | None = None, *, key: str | None = None, **params: object
    ) -> None:
        from collectors.messages import render

        self.account = account
        self.key = key
        self.params = {k: str(v) for k, v in params.items()}
        self.detail = message if message is not None else render(key or "", "en", **self.params)
        super().__init__(f"{account}: {self.detail}")

    def text(self, lang: str) -> str:
        """The message in ``lang``, with the account first."""
        from collectors.messages import render

        if self.key is None:
            return str(self)
        return f"{self.account}: {render(self.key, lang, **self.params)}"

    def for_account(self, account: str) -> CollectorError:
        """The same error, filed under ``account`` (a call shared by several accounts failed
        for each of them)."""
        if account == self.account:
            return self
        if self.key is not None:
            return type(self)(account, key=self.key, **self.params)
        return type(self)(account, self.detail)


class AccountNotFound(CollectorError):
    """The handle or channel does not exist (or is not public)."""


class AccountPrivate(CollectorError):
    """The account exists but its posts are not public."""


class QuotaExceeded(CollectorError):
    """The platform's daily quota is spent."""

    stops_platform = True


class RateLimited(CollectorError):
    """The platform asked us to slow down (HTTP 429 and friends)."""

    stops_platform = True


class AuthFailed(CollectorError):
    """The key, login or session was refused."""

    stops_platform = True


class TransientError(CollectorError):
    """A network or server fault that survived the retries; try again later."""


class ImportFileError(JejaringError):
    """An export file (platform export, chat export, service CSV) cannot be imported.

    One message naming the file, the line when there is one, and what is wrong, by a key of
    :data:`collectors.messages.MESSAGES`; ``str()`` is English (CLI), ``text(lang)`` renders
    it for the dashboard. Nothing of a file that fails is written.
    """

    def __init__(self, file: str, key: str, line: int | None = None, **params: object) -> None:
        self.file = file
        self.key = key
        self.line = line
        self.params = {k: str(v) for k, v in params.items()}
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        from collectors.messages import render

        where = (
            self.file
            if self.line is None
            else render("import_where_line", lang, file=self.file, line=self.line)
        )
        return f"{where}: {render(self.key, lang, **self.params)}"


class BadAnswer(CollectorError):
    """The platform's answer could not be read (not JSON, not the documented shape, cut
    short after the retries). When several items shared the call, each is asked alone."""
