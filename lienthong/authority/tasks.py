"""Background jobs of the authority app (django-q2): thin wrappers that call a service."""

from lienthong.authority import services


def announce_ended_grants() -> int:
    """Daily (registered in AuthorityConfig.ready): tell grantees and văn thư once that a TL./TUQ. grant ended."""
    return services.grants_announce_end()
