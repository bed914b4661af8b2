"""A process that looked up a CMS content type before the timestamp module loaded can still timestamp.

asn1crypto builds the name → OID table of ``cms.ContentType`` on the first lookup by name and never rebuilds it;
``asn1crypto.tsp`` adds ``tst_info`` to that table when it is imported. Whichever signature or verification ran
first in a worker decided whether a later timestamped signature failed with "invalid literal for int() …
'tst_info'". The signing app loads ``asn1crypto.tsp`` when Django starts, before any lookup.
"""

import subprocess
import sys

from django.conf import settings

SCRIPT = """
import django
django.setup()
from asn1crypto import cms
cms.ContentType("signed_data").dotted   # a lookup by name first, as a verification does
from asn1crypto import tsp  # noqa: F401 - what pyHanko's timestamp client imports later
print(cms.ContentType("tst_info").dotted)
"""


def test_a_timestamp_content_type_resolves_after_an_earlier_lookup():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                          cwd=settings.BASE_DIR, env={"DJANGO_SETTINGS_MODULE": "lienthong.settings",
                                                      "PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "1.2.840.113549.1.9.16.1.4"
