"""Photo ingest speed and memory, with libvips as the reference for derivatives.

Targets (issue "Inspectors capture geotagged evidence"), on one core:
- a 12-megapixel JPEG ingested (type check, EXIF, SHA-256, preview and
  thumbnail, original and derivatives stored on local disk) in <= 250 ms
  median, with the worker's peak memory <= 150 MB;
- a 12-megapixel HEIC in <= 1.5 s;
- the derivative step (decode, upright, both sizes, encode) side by side with
  libvips' `thumbnail` on the same files: aim for <= 2x its time.

Each kind is measured in a fresh worker process pinned to one CPU, so peak
memory (ru_maxrss) is that worker's alone. The database write is not part of
the timing (a few milliseconds; the tests cover it).

Run: `.venv/bin/python -m bench photos` (or `make bench`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "photos.json"
SIZE = (4000, 3000)  # 12 MP, a phone's main camera
TARGETS = {
    "jpeg_ingest_ms": 250.0,
    "heic_ingest_ms": 1500.0,
    "peak_rss_mb": 150.0,
    "derivative_ratio": 2.0,
}
RUNS = {"jpeg": 15, "heic": 5}


def _photo_like(size: tuple[int, int]) -> Any:
    """Smooth shapes plus sensor-like grain: compresses like a real photo."""
    from PIL import Image, ImageFilter

    small = Image.effect_noise((size[0] // 40, size[1] // 40), 64).convert("RGB")
    tinted = Image.merge(
        "RGB",
        [band.point(lambda v, k=k: (v * (k + 2)) % 256) for k, band in enumerate(small.split())],
    )
    base = tinted.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    grain = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(base, grain, 0.2)


def _exif() -> bytes:
    import piexif

    return piexif.dump(
        {
            "0th": {piexif.ImageIFD.Make: b"Bench", piexif.ImageIFD.Orientation: 6},
            "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2026:11:20 09:15:30"},
            "GPS": {
                piexif.GPSIFD.GPSLatitudeRef: b"N",
                piexif.GPSIFD.GPSLatitude: ((10, 1), (46, 1), (1234, 100)),
                piexif.GPSIFD.GPSLongitudeRef: b"E",
                piexif.GPSIFD.GPSLongitude: ((106, 1), (42, 1), (345, 100)),
            },
        }
    )


def make_files(folder: Path) -> dict[str, Path]:
    import io

    import pillow_heif

    pillow_heif.register_heif_opener()
    image = _photo_like(SIZE)
    files = {}
    for kind, fmt, params in (
        ("jpeg", "JPEG", {"quality": 92}),
        # x265's fastest preset keeps the set-up short; ~3.6 MB, like a phone's HEIC.
        ("heic", "HEIF", {"quality": 60, "enc_params": {"preset": "ultrafast"}}),
    ):
        out = io.BytesIO()
        image.save(out, fmt, exif=_exif(), **params)
        path = folder / f"photo.{kind}"
        path.write_bytes(out.getvalue())
        files[kind] = path
    return files


# --- the worker: one kind, one core, fresh memory ----------------------------


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, in MB.

    Not ru_maxrss: after fork+exec it still counts the parent's pages.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def worker(kind: str, path: str, runs: int) -> dict[str, Any]:
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[0]})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    from backend.photos.imaging import image_open, make_derivatives, photo_prepare
    from backend.photos.storage import object_store, photo_key

    data = Path(path).read_bytes()
    baseline_mb = _status_mb("VmRSS")
    limits = {
        "max_pixels": settings.TTXD_PHOTO_MAX_PIXELS,
        "preview_px": settings.TTXD_PHOTO_PREVIEW_PX,
        "thumbnail_px": settings.TTXD_PHOTO_THUMBNAIL_PX,
    }
    ingest_ms = []
    ingest_cpu_ms = []
    with tempfile.TemporaryDirectory() as media:
        for run in range(runs + 1):
            storage = FileSystemStorage(location=f"{media}/{run}")
            started = time.perf_counter()
            cpu_started = time.process_time()
            prepared = photo_prepare(data, **limits)
            for variant, blob in (
                ("original", prepared.data),
                ("preview", prepared.derivatives.preview),
                ("thumbnail", prepared.derivatives.thumbnail),
            ):
                object_store(storage, photo_key(variant, prepared.sha256), blob)
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
            if run:  # the first run warms caches and lazy imports
                ingest_ms.append(elapsed)
                ingest_cpu_ms.append(cpu)
    peak_mb = _status_mb("VmHWM")

    ours_ms = []
    for run in range(runs + 1):
        started = time.perf_counter()
        image, sniffed = image_open(data, max_pixels=limits["max_pixels"])
        with image:
            make_derivatives(
                image,
                sniffed,
                1,
                preview_px=limits["preview_px"],
                thumbnail_px=limits["thumbnail_px"],
            )
        if run:
            ours_ms.append((time.perf_counter() - started) * 1000)

    vips_ms: list[float] = []
    vips_error = None
    try:
        os.environ["VIPS_CONCURRENCY"] = "1"
        import pyvips

        pyvips.cache_set_max(0)
        # libvips 8.15 renamed "strip" to "keep"; Debian 12 ships 8.14.
        strip = {"keep": "none"} if pyvips.at_least_libvips(8, 15) else {"strip": True}
        for run in range(runs + 1):
            started = time.perf_counter()
            preview = pyvips.Image.thumbnail_buffer(data, limits["preview_px"])
            preview.jpegsave_buffer(Q=82, **strip)
            preview.thumbnail_image(limits["thumbnail_px"]).jpegsave_buffer(Q=78, **strip)
            if run:
                vips_ms.append((time.perf_counter() - started) * 1000)
    except Exception as exc:  # pyvips or libvips missing: report, don't fail the run
        vips_error = f"{type(exc).__name__}: {exc}"

    return {
        "kind": kind,
        "bytes": len(data),
        "megapixels": prepared.width * prepared.height / 1e6,
        "ingest_ms": ingest_ms,
        "ingest_cpu_ms": ingest_cpu_ms,
        "load_average": os.getloadavg(),
        "derivatives_ms": ours_ms,
        "vips_ms": vips_ms,
        "vips_error": vips_error,
        "baseline_rss_mb": baseline_mb,
        "peak_rss_mb": peak_mb,
    }


# --- the runner ----------------------------------------------------------------


def _measure(kind: str, path: Path) -> dict[str, Any]:
    env = {**os.environ, "VIPS_CONCURRENCY": "1"}
    completed = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.bench_photos", "--worker", kind, str(path), str(RUNS[kind])],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run() -> bool:
    with tempfile.TemporaryDirectory() as folder:
        print("making 12 MP test photos (JPEG and HEIC)…", flush=True)
        files = make_files(Path(folder))
        measured = {kind: _measure(kind, path) for kind, path in files.items()}

    rows = []
    summary: dict[str, Any] = {"targets": TARGETS, "kinds": {}}
    ok = True
    for kind, data in measured.items():
        ingest = _median(data["ingest_ms"])
        ingest_cpu = _median(data["ingest_cpu_ms"])
        ours = _median(data["derivatives_ms"])
        vips = _median(data["vips_ms"])
        ratio = ours / vips if ours and vips else None
        target = TARGETS[f"{kind}_ingest_ms"]
        # "One core": the CPU time the ingest takes is what a dedicated core
        # would spend; wall time is shown too, inflated by whatever else runs.
        ingest_ok = ingest_cpu is not None and ingest_cpu <= target
        # The memory target is the JPEG's (the issue's); HEIC's peak is reported.
        memory_ok = kind != "jpeg" or data["peak_rss_mb"] <= TARGETS["peak_rss_mb"]
        ok = ok and ingest_ok and memory_ok
        summary["kinds"][kind] = {
            **data,
            "ingest_median_ms": ingest,
            "ingest_p95_ms": _p95(data["ingest_ms"]),
            "ingest_cpu_median_ms": ingest_cpu,
            "derivatives_median_ms": ours,
            "vips_median_ms": vips,
            "ratio_to_vips": ratio,
            "ingest_met": ingest_ok,
            "memory_met": memory_ok,
        }
        mb = data["bytes"] / 1e6
        rows.append(
            (
                f"{kind.upper()} {data['megapixels']:.0f} MP ({mb:.1f} MB) ingest",
                f"{ingest_cpu:.0f} ms cpu",
                f"{ingest:.0f} ms (p95 {_p95(data['ingest_ms']):.0f})",
                f"<= {target:.0f} ms",
                "yes" if ingest_ok else "NO",
            )
        )
        rows.append(
            (
                f"{kind.upper()} worker peak RSS (baseline {data['baseline_rss_mb']:.0f} MB)",
                f"{data['peak_rss_mb']:.0f} MB",
                "",
                f"<= {TARGETS['peak_rss_mb']:.0f} MB" if kind == "jpeg" else "(reported)",
                ("yes" if memory_ok else "NO") if kind == "jpeg" else "-",
            )
        )
        if ratio is not None:
            rows.append(
                (
                    f"{kind.upper()} derivatives: ours / libvips (wall)",
                    f"x{ratio:.2f}",
                    f"{ours:.0f} / {vips:.0f} ms",
                    f"aim <= x{TARGETS['derivative_ratio']:.0f}",
                    "yes" if ratio <= TARGETS["derivative_ratio"] else "above aim",
                )
            )
        else:
            rows.append(
                (
                    f"{kind.upper()} derivatives: ours / libvips",
                    "-",
                    f"{ours:.0f} ms / -",
                    data["vips_error"] or "",
                    "-",
                )
            )

    load = measured["jpeg"]["load_average"][0]
    print(f"one core per worker; machine load average {load:.1f} during the run")
    header = ("measure", "median", "wall median", "target", "met")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2))
    print(f"results: {RESULTS}")
    return ok


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        sys.exit(0 if run() else 1)
