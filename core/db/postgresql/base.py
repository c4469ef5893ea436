"""Django's PostgreSQL backend, with a health check of kept connections that costs no round trip.

Django's `CONN_HEALTH_CHECKS` sends `SELECT 1` before each request's first query, so every request waits for the
server once more (and makes it work once more) only to learn that the connection is fine. A connection the server
ended (a restart, a failover that shut it down, `pg_terminate_backend`, `idle_session_timeout`) has something to
read while it is idle: the server's farewell message, or the end of the stream; a connection in good order has
nothing between two requests. So the check polls the socket, and sends Django's `SELECT 1` only when there is
something to read, or when the connection has been idle for `QUIET_SECONDS` (a server lost without a word, its
host gone, is then found before the request uses it, as before). What is left: such a silent loss within
`QUIET_SECONDS` of the last request answers that one request with an error, and the connection is replaced after
it (Django closes a connection whose request had a database error).
"""
import select
import time

from django.db.backends.postgresql import base

QUIET_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    _checked_at = float("-inf")  # when the connection was made or last checked (time.monotonic)

    def connect(self):
        super().connect()
        self._checked_at = time.monotonic()

    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done or self.pool:
            return
        now, checked_at = time.monotonic(), self._checked_at
        self._checked_at = now
        if now - checked_at < QUIET_SECONDS and not self._server_has_spoken():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _server_has_spoken(self) -> bool:
        """Whether the idle connection's socket has anything to read (or is no longer a socket)."""
        try:
            poller = select.poll()
            poller.register(self.connection.fileno(), select.POLLIN | select.POLLPRI)
            return bool(poller.poll(0))
        except (OSError, ValueError, self.Database.Error):
            return True
