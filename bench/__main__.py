"""`make bench`: run every bench/bench_*.py module's `run()` in one process.

Each module prints its own table (medians, p95s, ratios against a reference
measured in the same run) and writes JSON under bench/results/. Pass module
names to run a subset: `python -m bench photos tiles`.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    here = Path(__file__).parent
    names = sorted(
        m.name[len("bench_") :]
        for m in pkgutil.iter_modules([str(here)])
        if m.name.startswith("bench_")
    )
    wanted = argv or names
    failed = []
    for name in wanted:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        ok = module.run()
        print(f"--- {name}: {'met' if ok else 'NOT MET'} in {time.perf_counter() - started:.1f} s")
        if not ok:
            failed.append(name)
    if failed:
        print(f"\nTargets not met: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
