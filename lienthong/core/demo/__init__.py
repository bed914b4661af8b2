"""The demo province (Hậu Giang, 2018) that ``make run`` loads.

Public entry points: ``load_demo`` (idempotent loader), ``console_text`` and ``readme_markdown``
(the demo logins). The data lives in ``agencies``, ``people`` and ``documents``; nothing in those
modules touches the database.
"""

from lienthong.core.demo.builder import LoadResult, load_demo
from lienthong.core.demo.logins import console_text, readme_markdown

__all__ = ["LoadResult", "console_text", "load_demo", "readme_markdown"]
