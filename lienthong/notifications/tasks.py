"""Background jobs of the notifications app: thin wrappers that call a service."""

from lienthong.notifications import services


def send_mails(messages: list[tuple[str, str, str]]) -> None:
    services.mails_send(messages=messages)
