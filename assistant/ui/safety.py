"""Where the UI may listen: loopback by default; any other address only with a user name and password."""

from __future__ import annotations

import ipaddress


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


def check_bind(host: str, auth: str | tuple[str, str] | None) -> tuple[str, str] | None:
    """The credentials to launch with; raises UnsafeBindError for a non-loopback host without them."""
    pair = parse_auth(auth)
    if not is_loopback(host) and pair is None:
        raise UnsafeBindError(
            f"拒绝在非本机地址 {host} 上无认证启动：请加 --auth 用户名:密码 或设置 ASSISTANT_AUTH / "
            f"refusing to serve on non-loopback address {host} without authentication: "
            "pass --auth user:password or set ASSISTANT_AUTH"
        )
    return pair
