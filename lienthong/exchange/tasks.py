"""Background jobs of the exchange gateway (registered in ExchangeConfig.ready): thin wrappers for django-q2."""

from dataclasses import asdict

from lienthong.exchange import services


def push() -> dict[str, int]:
    """Queue what waits and send the due packages."""
    return asdict(services.push())


def pull() -> dict[str, int]:
    """Fetch and take the packages waiting at the partners."""
    return asdict(services.pull())
