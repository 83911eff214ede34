"""Settings of the server processes tests start (tests.support.web_processes, the
contract test): the project's own, with the tests' fast password hashing, so
that users the tests create can sign in there (PBKDF2's deliberate slowness
would also be most of a fuzzing run)."""

from backend.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
