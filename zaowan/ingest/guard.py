"""The SSRF guard: which URLs and addresses the ingest desk may talk to.

Pure apart from name resolution, which is injectable so tests can play DNS tricks.
A URL passes when its scheme is http/https and every address its host resolves to is
public — or the host is listed in `[network] allow_hosts` (needed for loopback demos).
The same check runs again on the address the socket actually connected to, and on every
redirect, so a rebinding resolver or a 302 to 169.254.169.254 is still refused.
"""
from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from ..errors import BlockedAddressError

log = logging.getLogger(__name__)

Resolver = Callable[[str, int], list[str]]

# Ranges Python's `is_global` does not already exclude, named so the refusal says why.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_ULA = ipaddress.ip_network("fc00::/7")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the host resolves to (A and AAAA)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise BlockedAddressError(f"cannot resolve host {host!r}: {exc}", reason="dns_failed") from exc
    return sorted({info[4][0] for info in infos})


def address_problem(addr: str) -> str | None:
    """Why an address must not be fetched, or None when it is a public unicast address."""
    try:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        inner = address_problem(str(ip.ipv4_mapped))
        return f"IPv4-mapped {inner}" if inner else None
    checks = [
        (ip.is_loopback, "loopback"),
        (ip.version == 4 and ip in _CGNAT, "CGNAT (100.64/10)"),
        (ip.version == 6 and ip in _ULA, "IPv6 unique-local"),
        (ip.is_link_local, "link-local"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_multicast, "multicast"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "non-global"),
    ]
    for bad, label in checks:
        if bad:
            return f"{label} address {ip}"
    return None


def host_allowed(host: str, allow_hosts: Iterable[str]) -> bool:
    """`allow_hosts` entries match a host exactly, or every subdomain when written `.example.org`."""
    host = host.lower().strip("[]").rstrip(".")
    for entry in allow_hosts:
        entry = entry.lower().strip().strip("[]").rstrip(".")
        if not entry:
            continue
        if host == entry or (entry.startswith(".") and host.endswith(entry)):
            return True
    return False


class UrlGuard:
    """Checks URLs before connecting and peers after connecting."""

    def __init__(self, allow_hosts: Iterable[str] = (), resolver: Resolver | None = None):
        self.allow_hosts = list(allow_hosts)
        self.resolver = resolver or system_resolver

    def check_url(self, url: str) -> tuple[str, int]:
        """Refuse the URL or return (host, port) it will connect to."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            self._refuse(url, f"scheme {scheme or '(none)'!r} is not http/https", "unsupported_scheme")
        try:
            host, port = parts.hostname, parts.port
        except ValueError as exc:  # e.g. port out of range
            self._refuse(url, f"malformed URL: {exc}", "bad_url")
        if not host:
            self._refuse(url, "URL has no host", "bad_url")
        if parts.username or parts.password:
            self._refuse(url, "credentials in URLs are not followed", "bad_url")
        port = port or (443 if scheme == "https" else 80)
        if host_allowed(host, self.allow_hosts):
            return host, port
        for addr in self.resolver(host, port):
            problem = address_problem(addr)
            if problem:
                self._refuse(url, f"host {host} resolves to {problem}")
        return host, port

    def check_peer(self, url: str, host: str, peer: str | None) -> None:
        """Refuse a connection whose actual remote address is internal (DNS rebinding)."""
        if peer is None or host_allowed(host, self.allow_hosts):
            return
        problem = address_problem(peer)
        if problem:
            self._refuse(url, f"connected to {problem} (resolved {host} differently at connect time)")

    def _refuse(self, url: str, why: str, reason: str = BlockedAddressError.reason):
        log.warning("SSRF guard refused %s: %s", url, why)
        raise BlockedAddressError(f"refused {url}: {why}", reason=reason)
