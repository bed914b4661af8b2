"""Answers remembered for the length of one request: the same read asked four times by the pieces of one page
(the viewer's positions, read by the view, the permission filter, a template tag and the navigation) is run once.

The memo lives in a context variable opened by ``RequestMemoMiddleware`` for each request and dropped when the
answer is sent, so nothing outlives the request and nothing is shared between threads, processes or servers.
Outside a request (a background task, a management command, a test calling a selector directly) ``remember``
just computes the answer every time. Writes that change a remembered answer call ``forget_all`` (the accounts
app does it when a position or an agency is saved), so a request that changes positions and then reads them sees
the change.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("lienthong_request_memo", default=None)


def remember[T](key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or the answer it gave earlier in this request for ``key``."""
    memo = _memo.get()
    if memo is None:
        return compute()
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = compute()
        return value


def forget_all() -> None:
    """Drop every remembered answer of the current request (after a write that changes them)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


@contextmanager
def scope() -> Iterator[None]:
    """Remember answers inside the block (one request, or a test that wants a request's behaviour)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


class RequestMemoMiddleware:
    """Opens a fresh memo for each request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with scope():
            return self.get_response(request)
