"""The Slack side of the digest: a Publisher (bot/ports.py) posting a Reply with chat.postMessage.

Failures are classified for the ledger: Slack refusing (``ok: false``, rate limit) or a request that never
left (connection refused, DNS) is NotDelivered and retried later; a request that left without an answer
(read timeout, dropped connection, 5xx) may have posted and is *uncertain*: never reposted automatically.
A refusal that names a target gone for good (``GONE``: no such channel, archived, the bot not in it, the user
deactivated) is TargetGone, a NotDelivered that pauses a subscription instead of being retried for ever.

The target is a channel id, or a user id: Slack then posts in the user's direct messages with the app
(notifications to a user who follows a case).
"""
from __future__ import annotations

import logging
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import log_privacy
from bot.core.ports import NotDelivered, TargetGone
from bot.core.reply import Reply
from bot.settings import Settings
from bot.slack.blocks import to_messages

log = logging.getLogger(__name__)

# slack_sdk logs every Web API and response_url request and answer body at DEBUG (WebClient, respond()).
SDK_LOGGERS = ("slack_sdk.web.base_client", "slack_sdk.webhook.client")
DEFAULT_API_URL = "https://slack.com/api/"
# chat.postMessage errors that will not go away by retrying: the channel or user is gone, or the bot was removed
GONE = frozenset({"channel_not_found", "not_in_channel", "is_archived", "user_not_found", "user_disabled",
                  "cannot_dm_bot", "messages_tab_disabled", "team_access_not_granted"})


def web_client(settings: Settings, retries: bool = True, timeout: int = 30) -> WebClient:
    """A Web API client for the bot token, at SLACK_API_URL when set (tests: a fake on 127.0.0.1).

    ``retries=False`` turns off slack_sdk's automatic retry of dropped connections, which could post a
    digest twice; answers in chat keep it.
    """
    log_privacy.guard(*SDK_LOGGERS)  # filtered for every handler, not only the CLI's (bot/core/log_privacy.py)
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
                    if error in GONE:
                        raise TargetGone(f"slack refused: {error}", error) from None
                    raise NotDelivered(f"slack refused: {error or status}") from None
                raise  # a 5xx, or a later part of a split digest: part of it may be in the channel
            except URLError as e:  # raised before the request was fully sent: connection refused, DNS
                log.warning("chat.postMessage to %s not sent: %s", target, type(e.reason).__name__)
                if n == 0:
                    raise NotDelivered(f"not sent: {type(e.reason).__name__}") from None
                raise
            thread_ts = thread_ts or resp.get("ts")
