"""A TCP proxy on loopback that drops connections at random (the exchange fault test, issue 15 item 7).

Each connection accepted on ``port`` is forwarded to ``target`` unless the proxy decides, with a seeded random
draw per connection, to fault it in one of three ways:

- ``refuse``: closed at once, nothing forwarded (the sender sees a reset or an empty answer);
- ``cut_request``: part of the request forwarded, then both sides closed (the receiver sees a broken request);
- ``cut_answer``: the whole request forwarded, the answer dropped (the receiver applied the package, the sender
  never hears so: it sends again, and the receiver must recognise the duplicate).

The proxy runs its asyncio loop in a daemon thread; ``counts`` says how many connections met each fate. Nothing
here imports Django.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
from collections import Counter

FATES = ("pass", "refuse", "cut_request", "cut_answer")


class FaultyProxy:
    def __init__(self, target_port: int, *, drop_rate: float = 0.2, seed: int = 1, host: str = "127.0.0.1"):
        self.host, self.target_port, self.drop_rate = host, target_port, drop_rate
        self.random = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="faulty-proxy", daemon=True)

    def start(self) -> FaultyProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    async def _shutdown(self) -> None:
        """Stop accepting, and end the connections still open (their tasks cancelled and awaited)."""
        assert self._server is not None
        self._server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _fate(self) -> str:
        if self.random.random() >= self.drop_rate:
            return "pass"
        return self.random.choice(FATES[1:])

    def _run(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._server = loop.run_until_complete(asyncio.start_server(self._handle, self.host, 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        fate = self._fate()
        self.counts[fate] += 1
        upstream_writer = None
        try:
            if fate == "refuse":
                return
            try:
                up_reader, upstream_writer = await asyncio.open_connection(self.host, self.target_port)
            except OSError:
                self.counts["target_down"] += 1
                return
            if fate == "cut_request":
                chunk = await reader.read(self.random.randint(1, 4096))
                upstream_writer.write(chunk)
                await upstream_writer.drain()
                return
            to_target = asyncio.create_task(self._pipe(reader, upstream_writer))
            if fate == "cut_answer":
                # Forward the request, read (and throw away) the answer's first bytes, then hang up: the request
                # was handled, the caller never learns it.
                with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                    await up_reader.read(1)
                to_target.cancel()
                return
            await self._pipe(up_reader, writer)
            to_target.cancel()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            for w in (writer, upstream_writer):
                if w is not None:
                    with contextlib.suppress(Exception):
                        w.close()

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except OSError:
            pass
        finally:
            with contextlib.suppress(Exception):
                sink.write_eof()
