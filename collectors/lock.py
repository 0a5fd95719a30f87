"""One refresh at a time: an exclusive lock on a file (SQLite) or a PostgreSQL advisory lock,
released by the kernel or the server if its holder dies.

The lock names its holder (pid, host, start time) for the message a second run prints.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
from pathlib import Path
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from collectors.errors import JejaringError
from collectors.store.faults import store_error


class RefreshLocked(JejaringError):
    """Another refresh holds the lock."""


class _Held:
    """``with lock:`` acquires and releases."""

    def acquire(self) -> None:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> _Held:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


class RefreshLock(_Held):
    """A file lock next to the database (SQLite)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a read-only or full data folder
            raise store_error(
                exc, f"the refresh lock file {self.path}", where_id=f"berkas kunci {self.path}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._read_holder(fd)
            os.close(fd)
            raise RefreshLocked(
                f"another refresh is running ({holder}); lock file {self.path}. "
                "Wait for it to finish; the lock is released automatically if it dies."
            ) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        try:
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps(info).encode())
            os.fsync(fd)
        except OSError as exc:  # e.g. a full disk
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise store_error(
                exc, f"the refresh lock file {self.path}", where_id=f"berkas kunci {self.path}"
            ) from None
        self._fd = fd

    @staticmethod
    def _read_holder(fd: int) -> str:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            info = json.loads(os.read(fd, 4096).decode() or "{}")
            return f"pid {info['pid']} on {info['host']}, started {info['started_at']} UTC"
        except (ValueError, KeyError, OSError):
            return "holder unknown"

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class PostgresLock(_Held):
    """The same guarantee on PostgreSQL, for refreshes on several machines: a session-level
    advisory lock, released by the server when the holder's connection ends."""

    KEY = 0x4A454A41  # "JEJA"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None

    def acquire(self) -> None:
        conn = self.engine.connect()
        who = f"jejaring-refresh pid {os.getpid()} on {socket.gethostname()}"[:63]
        conn.execute(sa.text("SELECT set_config('application_name', :who, false)"), {"who": who})
        got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.KEY}).scalar()
        if not got:
            holder = conn.execute(
                sa.text(
                    "SELECT a.application_name, a.backend_start FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                    "AND l.objid = :key AND l.granted LIMIT 1"
                ),
                {"key": self.KEY},
            ).first()
            conn.close()
            name = holder[0] if holder and holder[0] else "holder unknown"
            since = f", connected {holder[1]:%Y-%m-%d %H:%M:%S %Z}" if holder else ""
            raise RefreshLocked(
                f"another refresh is running ({name}{since}); it holds the database's refresh "
                "lock, which is released automatically if it dies."
            )
        conn.commit()  # the session-level lock outlives this transaction
        self._conn = conn

    def release(self) -> None:
        if self._conn is not None:
            self._conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self.KEY})
            self._conn.commit()
            self._conn.close()
            self._conn = None
