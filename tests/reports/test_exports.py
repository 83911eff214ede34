"""Exports of the filtered cases and their events open in their formats and respect wards."""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import time_machine
from django.contrib.gis.gdal import DataSource
from django.test import Client
from django.urls import reverse

from tests.reports.conftest import NOW, City

pytestmark = pytest.mark.django_db


def export(user: Any, table: str, fmt: str, **params: str) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(reverse("audit_export", args=[table, fmt]), params)


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@time_machine.travel(NOW, tick=False)
def test_cases_csv_reads_back_with_vietnamese_headers(city: City, auditor: Any) -> None:
    response = export(auditor, "cases", "csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="ttxd-cases-')
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert [r["Mã hồ sơ"] for r in rows] == sorted(
        [city.a1.code, city.a2.code, city.a3.code, city.b1.code, city.b2.code]
    )
    a2 = next(r for r in rows if r["Mã hồ sơ"] == city.a2.code)
    assert a2["Mã phường"] == "90001" and a2["Phường"] == "Phường A"
    assert a2["Mã giai đoạn"] == "suspended" and a2["Quá hạn"] == "Có"
    assert a2["Hạn của giai đoạn"] == "13/02/2026"
    assert a2["Thời điểm phát hiện"] == "02/02/2026 09:00:00"
    assert a2["Số sự kiện"] == "2"
    a1 = next(r for r in rows if r["Mã hồ sơ"] == city.a1.code)
    assert a1["Số bước trễ hạn"] == "1" and a1["Quá hạn"] == "Không"
    assert float(a1["Vĩ độ (WGS 84)"]) == pytest.approx(10.77)


@time_machine.travel(NOW, tick=False)
def test_events_csv_lists_each_step_with_its_document_and_delay(city: City, auditor: Any) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(body(export(auditor, "events", "csv", ward="90001")).decode("utf-8-sig"))
        )
    )
    assert {r["Mã hồ sơ"] for r in rows} == {city.a1.code, city.a2.code, city.a3.code}
    a1 = [r for r in rows if r["Mã hồ sơ"] == city.a1.code]
    assert [r["Ngày thực hiện"] for r in a1] == [
        "05/01/2026",
        "07/01/2026",
        "20/01/2026",
        "10/02/2026",
    ]
    decision = a1[2]
    assert decision["Số văn bản"] == "7/QĐ-XPHC" and decision["Ngày văn bản"] == "20/01/2026"
    assert decision["Đúng hạn"] == "Không" and decision["Số ngày trễ"] == "4"
    assert decision["Thời hạn phải thực hiện"] == "16/01/2026"
    assert len(decision["Mã băm SHA-256"]) == 64


@time_machine.travel(NOW, tick=False)
def test_xlsx_has_a_sheet_of_cases_and_one_of_events(city: City, leader_a: Any) -> None:
    response = export(leader_a, "cases", "xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True)
    assert workbook.sheetnames == ["Hồ sơ vi phạm", "Sự kiện"]
    cases = list(workbook["Hồ sơ vi phạm"].iter_rows(values_only=True))
    assert cases[0][0] == "Mã hồ sơ" and cases[0][7] == "Hạn của giai đoạn"
    # A ward leader's export holds their ward only.
    assert sorted(r[0] for r in cases[1:]) == sorted([city.a1.code, city.a2.code, city.a3.code])
    a2 = next(r for r in cases[1:] if r[0] == city.a2.code)
    # Real date cells; times as the wall clock in Ho Chi Minh City (Excel has no zones).
    assert a2[7] == datetime.datetime(2026, 2, 13)  # noqa: DTZ001
    assert a2[9] == datetime.datetime(2026, 2, 2, 9, 0)  # noqa: DTZ001
    events = list(workbook["Sự kiện"].iter_rows(values_only=True))
    assert len(events) == 1 + 4 + 2 + 1
    assert {r[0] for r in events[1:]} == {city.a1.code, city.a2.code, city.a3.code}


@time_machine.travel(NOW, tick=False)
def test_geojson_holds_the_cases_with_their_events(city: City, inspector_b: Any) -> None:
    response = export(inspector_b, "cases", "geojson")
    assert response.status_code == 200 and response.streaming
    collection = json.loads(body(response))
    assert collection["type"] == "FeatureCollection"
    features = {f["properties"]["code"]: f for f in collection["features"]}
    assert set(features) == {city.b1.code, city.b2.code}
    b2 = features[city.b2.code]
    assert b2["geometry"]["type"] == "Point"
    assert b2["properties"]["overdue"] is False and b2["properties"]["stage"] == "suspended"
    assert [e["kind"] for e in b2["properties"]["events"]] == ["opened", "stage_changed"]
    assert b2["properties"]["events"][1]["payload"]["days_late"] == 7
    assert features[city.b1.code]["properties"]["overdue"] is True


@time_machine.travel(NOW, tick=False)
def test_geopackage_reads_back_in_gdal(city: City, auditor: Any) -> None:
    response = export(auditor, "cases", "gpkg", violation_type="art16_7")
    assert response.status_code == 200
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        path.write_bytes(body(response))
        source = DataSource(str(path))
        layers = {layer.name: layer for layer in source}
        assert set(layers) == {"cases", "events"}
        cases = layers["cases"]
        assert cases.geom_type.name == "Point" and cases.srs.srid == 4326
        codes = sorted(feature.get("code") for feature in cases)
        assert codes == sorted([city.a1.code, city.a2.code, city.a3.code, city.b2.code])
        a2 = next(f for f in cases if f.get("code") == city.a2.code)
        assert a2.get("overdue") == 1 and a2.get("ward_name") == "Phường A"
        assert a2.get("stage_deadline") == datetime.date(2026, 2, 13)
        assert a2.geom.x == pytest.approx(106.69) and a2.geom.y == pytest.approx(10.77)
        assert len(layers["events"]) == 4 + 2 + 1 + 2
        info = subprocess.run(  # noqa: S603
            [shutil.which("ogrinfo") or "ogrinfo", "-so", str(path), "events"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "Geometry: None" in info and "days_late: Integer64" in info


def test_exports_refuse_unknown_formats_and_bad_filters(city: City, auditor: Any) -> None:
    assert export(auditor, "cases", "pdf").status_code == 404
    assert export(auditor, "events", "xlsx").status_code == 404
    assert export(auditor, "cases", "csv", stage="nowhere").status_code == 400


def test_exports_need_a_login(city: City) -> None:
    response = Client().get(reverse("audit_export", args=["cases", "csv"]))
    assert response.status_code == 302 and "/login/" in response["Location"]
