"""Settings of the server process the contract test fuzzes: the project's own,
with the tests' fast password hashing (the fuzzer signs in hundreds of times;
PBKDF2's deliberate slowness would be most of the run)."""

from backend.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
