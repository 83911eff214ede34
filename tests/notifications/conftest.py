from tests.cases.conftest import (  # noqa: F401
    _english_messages,
    _fast_passwords,
    _seeded,
    actors,
    case_at,
    leader_b,
)
