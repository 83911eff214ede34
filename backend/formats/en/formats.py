# The English interface keeps the Vietnamese date order (dd/mm/yyyy).
from backend.formats.vi.formats import *  # noqa: F403
