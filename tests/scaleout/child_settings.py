"""Settings of the scale-out tests' child processes: the test servers' own, with mail to files.

DJANGO_EMAIL_BACKEND picks the file-based backend from the environment
(backend/settings.py); the folder it writes to comes from TTXD_TEST_EMAIL_DIR,
so the test counts every message each process sent.
"""

import os

from tests.support.server_settings import *  # noqa: F403

EMAIL_FILE_PATH = os.environ.get("TTXD_TEST_EMAIL_DIR") or None
