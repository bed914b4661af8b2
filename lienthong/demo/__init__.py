"""The demo province (Hậu Giang, 2018) that ``make run`` loads, as an app on top of all the others.

It builds its data through every app's public services, so it sits above them in the layer order and nothing
imports it back. Entry points: ``builder.load_demo`` (idempotent loader), ``logins.console_text`` and
``logins.readme_markdown`` (the demo logins), ``pki.ensure_demo_pki`` (the marked test CA), and the commands
``load_demo``, ``make_demo_pki`` and ``demo_logins``. The data lives in ``agencies``, ``people`` and
``documents``; nothing in those modules touches the database.
"""
