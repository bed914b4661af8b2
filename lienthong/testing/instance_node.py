"""``python -m lienthong.testing.instance_node OPERATION 'JSON arguments'``: one operation of
``testing.instance_ops`` in a process of an instance (its database, media and settings come from the environment
the harness gives it), its answer printed as one line of JSON. Django is set up before the operations' module is
imported."""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lienthong.settings")
    import django

    django.setup()
    from lienthong.testing.instance_ops import OPERATIONS

    operation, arguments = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    print(json.dumps(OPERATIONS[operation](**arguments), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
