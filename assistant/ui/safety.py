"""Where the UI may listen: loopback by default; any other address only with a user name and password, and
repeated wrong passwords slow the next tries down."""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time

# Wrong passwords allowed in a row before a back-off; then every try within the back-off is refused unchecked,
# and each further failure doubles it (1 s, 2 s, 4 s … at most MAX_BACKOFF_S). Gradio's login route does not tell
# the auth callable who is asking, so the count is per user name; a short cap keeps a lock-out by a stranger short.
FREE_FAILURES = 3
MAX_BACKOFF_S = 30.0


class UnsafeBindError(ValueError):
    """Refusal to serve; str() is one bilingual line, Chinese first."""


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def parse_auth(auth: str | tuple[str, str] | None) -> tuple[str, str] | None:
    """"user:password" (or a pair) → (user, password); None or "" → None."""
    if auth is None or auth == "":
        return None
    if isinstance(auth, tuple):
        user, password = auth
    else:
        user, sep, password = auth.partition(":")
        if not sep:
            raise UnsafeBindError("认证格式应为 用户名:密码 / --auth must look like user:password")
    if not user or not password:
        raise UnsafeBindError("认证的用户名和密码都不能为空 / --auth needs both a user name and a password")
    return user, password


class Login(tuple):
    """(user, password), and also the callable Gradio's `auth=` accepts, with a back-off after wrong passwords.

    Being the pair keeps `check_bind(...) == (user, password)`; being callable makes Gradio call it (it checks
    callable() before unpacking pairs). The check returns at once, never sleeps: it runs on Gradio's event loop.
    """

    def __new__(cls, user: str, password: str, clock=time.monotonic):
        self = super().__new__(cls, (user, password))
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}  # user name → (failures in a row, time of the last)
        return self

    def backoff(self, user: str) -> float:
        """Seconds from now during which tries for this user name are refused unchecked."""
        failures, last = self._failures.get(user, (0, 0.0))
        if failures < FREE_FAILURES:
            return 0.0
        wait = min(2.0 ** (failures - FREE_FAILURES), MAX_BACKOFF_S)
        return max(0.0, last + wait - self._clock())

    def __call__(self, user: str, password: str) -> bool:
        with self._lock:
            if self.backoff(user) > 0:
                return False
            ok = hmac.compare_digest(str(user).encode(), self[0].encode()) & hmac.compare_digest(
                str(password).encode(), self[1].encode())
            if ok:
                self._failures.pop(user, None)
            else:
                failures = self._failures.get(user, (0, 0.0))[0] + 1
                self._failures[user] = (failures, self._clock())
                while len(self._failures) > 10_000:  # names are attacker-chosen: bound the table
                    self._failures.pop(next(iter(self._failures)))
            return ok


def check_bind(host: str, auth: str | tuple[str, str] | None) -> Login | None:
    """The credentials to launch with (a throttled `Login`); raises UnsafeBindError for a non-loopback host
    without them."""
    pair = parse_auth(auth)
    pair = Login(*pair) if pair is not None else None
    if not is_loopback(host) and pair is None:
        raise UnsafeBindError(
            f"拒绝在非本机地址 {host} 上无认证启动：请加 --auth 用户名:密码 或设置 ASSISTANT_AUTH / "
            f"refusing to serve on non-loopback address {host} without authentication: "
            "pass --auth user:password or set ASSISTANT_AUTH"
        )
    return pair
