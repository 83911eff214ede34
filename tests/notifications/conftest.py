from tests.cases.conftest import _fast_passwords, _seeded, actors, case_at, leader_b  # noqa: F401
