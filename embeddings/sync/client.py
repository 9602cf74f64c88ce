"""A polite, robust HTTP client for publication sites: JSON in, a clear error out.

- One httpx client with timeouts; bounded concurrency is the caller's (a pool of ``concurrency`` threads).
- Retries with exponential backoff and jitter on timeouts, connection errors, 5xx and 429, honouring
  ``Retry-After``, through tenacity; never on other 4xx. A Retry-After longer than ``retry_after_max`` is not
  waited for: the request fails now and the next sync tries again (a worker must not sleep for a day).
- Answers over ``max_bytes`` are refused while they stream in (a declared Content-Length first).
- Redirects are followed only to http(s) on the same host, at most five times.
- A User-Agent that names beslut, so a site's operators know who calls.

Every failure is a ``FetchError`` with a code and the URL; the words are the bot's (bot/core/messages.py).
"""
from __future__ import annotations

import email.utils
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
import tenacity

from embeddings.errors import BeslutError

USER_AGENT = "beslut/0.1 (+https://github.com/beslut; kommunale beslutninger i chat)"
MAX_REDIRECTS = 5


class FetchError(BeslutError):
    """A request that failed for good. ``code``: sync_unreachable, sync_timeout, sync_http_status,
    sync_too_large, sync_not_json, sync_redirect_refused; ``params`` hold ``url`` and details."""

    def __init__(self, code: str, url: str, retry_after: float | None = None, **params: object) -> None:
        super().__init__(code, url=url, **params)
        self.url = url
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.code in ("sync_unreachable", "sync_timeout") or (
            self.code == "sync_http_status" and (self.params["status"] >= 500 or self.params["status"] == 429))


@dataclass(frozen=True)
class ClientOptions:
    timeout: float = 30.0  # seconds to connect, and between bytes while reading
    attempts: int = 4  # tries per request (1 + 3 retries)
    backoff: float = 1.0  # first wait; doubles, with jitter, up to backoff_max
    backoff_max: float = 30.0
    retry_after_max: float = 120.0  # a Retry-After beyond this is not waited for: the request fails now
    max_bytes: int = 20 * 1024 * 1024
    user_agent: str = USER_AGENT


class SiteClient:
    """GETs JSON documents. Thread-safe; ``requests`` counts every HTTP request sent (retries included)."""

    def __init__(self, options: ClientOptions = ClientOptions(), transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.options = options
        self._sleep = sleep
        self._http = httpx.Client(timeout=options.timeout, follow_redirects=False, transport=transport,
                                  headers={"User-Agent": options.user_agent, "Accept": "application/json"})
        self._lock = threading.Lock()
        self.requests = 0

    def close(self) -> None:
        self._http.close()

    def get_json(self, url: str) -> object:
        """The JSON document at ``url``, retried as the module says; FetchError when it cannot be had."""
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.options.attempts),
            wait=self._wait, sleep=self._sleep, reraise=True,
            retry=tenacity.retry_if_exception(lambda e: isinstance(e, FetchError) and e.retryable and not (
                e.retry_after is not None and e.retry_after > self.options.retry_after_max)))
        return retrying(self._get_json_once, url)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, FetchError) and error.retry_after is not None:
            return error.retry_after  # at most retry_after_max: a longer one is not retried
        ceiling = min(self.options.backoff * 2 ** (state.attempt_number - 1), self.options.backoff_max)
        return random.uniform(ceiling / 2, ceiling)  # jitter: clients that failed together spread out

    def _get_json_once(self, url: str) -> object:
        raw = self._get_bytes(url)
        try:
            return json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            start = raw[:200].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
            if start.startswith((b"{", b"[")):  # JSON cut short (a dropped connection) or malformed
                raise FetchError("sync_json_broken", url, size=len(raw)) from None
            kind = "html" if start.startswith((b"<!doctype", b"<html", b"<")) else "text"
            raise FetchError("sync_not_json", url, kind=kind, size=len(raw)) from None

    def _get_bytes(self, url: str) -> bytes:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            with self._lock:
                self.requests += 1
            try:
                with self._http.stream("GET", current) as response:
                    if response.is_redirect:
                        current = self._redirect_target(url, current, response.headers.get("location", ""))
                        continue
                    if response.status_code != 200:
                        raise FetchError("sync_http_status", current, status=response.status_code,
                                         retry_after=_retry_after(response.headers.get("retry-after")))
                    return self._read_capped(current, response)
            except httpx.TimeoutException:
                raise FetchError("sync_timeout", current, seconds=self.options.timeout) from None
            except httpx.TransportError as e:
                raise FetchError("sync_unreachable", current, detail=type(e).__name__) from None
        raise FetchError("sync_redirect_refused", url, target=current)

    def _redirect_target(self, original: str, current: str, location: str) -> str:
        target = urljoin(current, location)
        a, b = urlsplit(original), urlsplit(target)
        if b.scheme not in ("http", "https") or b.hostname != a.hostname:
            raise FetchError("sync_redirect_refused", original, target=target[:200])
        return target

    def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        limit = self.options.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError("sync_too_large", url, limit_mb=limit // (1024 * 1024))
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise FetchError("sync_too_large", url, limit_mb=limit // (1024 * 1024))
        return bytes(body)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
