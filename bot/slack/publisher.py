"""The Slack side of the digest: a Publisher (bot/ports.py) posting a Reply with chat.postMessage.

Failures are classified for the ledger: Slack refusing (``ok: false``, rate limit) or a request that never
left (connection refused, DNS) is NotDelivered and retried later; a request that left without an answer
(read timeout, dropped connection, 5xx) may have posted and is *uncertain*: never reposted automatically.
"""
from __future__ import annotations

import logging
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import logs as slack_logs
from bot.core.ports import NotDelivered
from bot.core.reply import Reply
from bot.settings import Settings
from bot.slack.blocks import to_messages

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"


def web_client(settings: Settings, retries: bool = True, timeout: int = 30) -> WebClient:
    """A Web API client for the bot token, at SLACK_API_URL when set (tests: a fake on 127.0.0.1).

    ``retries=False`` turns off slack_sdk's automatic retry of dropped connections, which could post a
    digest twice; answers in chat keep it.
    """
    slack_logs.install()  # slack_sdk logs every request and answer body at DEBUG
    base = settings.slack_api_url or DEFAULT_API_URL
    kwargs = {} if retries else {"retry_handlers": []}
    return WebClient(token=settings.slack_bot_token, base_url=base.rstrip("/") + "/", timeout=timeout, **kwargs)


class SlackPublisher:
    """Posts a Reply to a Slack channel; a reply needing several messages continues in the first's thread."""

    platform = "slack"

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def publish(self, target: str, reply: Reply) -> None:
        thread_ts = None
        for n, message in enumerate(to_messages(reply)):
            try:
                resp = self.client.chat_postMessage(channel=target, thread_ts=thread_ts, **message.payload())
            except SlackApiError as e:
                status = e.response.status_code if e.response is not None else None
                error = e.response.get("error") if e.response is not None else None
                log.warning("chat.postMessage to %s refused: HTTP %s, %s", target, status, error)
                if n == 0 and status is not None and (status < 500):
                    raise NotDelivered(f"slack refused: {error or status}") from None
                raise  # a 5xx, or a later part of a split digest: part of it may be in the channel
            except URLError as e:  # raised before the request was fully sent: connection refused, DNS
                log.warning("chat.postMessage to %s not sent: %s", target, type(e.reason).__name__)
                if n == 0:
                    raise NotDelivered(f"not sent: {type(e.reason).__name__}") from None
                raise
            thread_ts = thread_ts or resp.get("ts")
