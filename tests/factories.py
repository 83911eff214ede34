"""factory_boy factories for the domain, with geometry near real HCMC places."""

from __future__ import annotations

import datetime

import factory
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from backend.accounts.models import Role, User, WardMembership
from backend.cases.models import Stage, ViolationCase, ViolationType
from backend.permits.models import Permit
from backend.wards.models import Ward

# Two neighbouring test wards sharing the meridian 106.70 as their border.
WARD_A_BOX = (106.68, 10.76, 106.70, 10.78)
WARD_B_BOX = (106.70, 10.76, 106.72, 10.78)


def box(minlon: float, minlat: float, maxlon: float, maxlat: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((minlon, minlat, maxlon, maxlat)), srid=4326)


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    code = factory.Sequence(lambda n: f"9{n:04d}")
    slug = factory.Sequence(lambda n: f"WARD{n}")
    name = factory.Sequence(lambda n: f"Phường Thử {n}")
    boundary = factory.LazyFunction(lambda: box(*WARD_A_BOX))
    valid_from = datetime.date(2025, 7, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.INSPECTOR
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def wards(self, create: bool, extracted: list[Ward] | None, **kwargs: object) -> None:
        if create and extracted:
            for ward in extracted:
                WardMembership.objects.create(user=self, ward=ward)
        if create:
            self.save()


class PermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Permit

    number = factory.Sequence(lambda n: f"{n:04d}/GPXD")
    issuing_authority = "UBND Phường"
    issued_on = datetime.date(2025, 9, 1)
    holder_name = "Nguyễn Văn A"
    address = "1 Đường Thử"
    ward = factory.SubFactory(WardFactory)
    parcel = factory.LazyFunction(lambda: box(106.690, 10.770, 106.6902, 10.7702))


class CaseFactory(factory.django.DjangoModelFactory):
    """A case row written directly (tests of the open service use the service)."""

    class Meta:
        model = ViolationCase

    ward = factory.SubFactory(WardFactory)
    opened_in_ward = factory.SelfAttribute("ward")
    year = 2026
    sequence = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: f"{o.ward.slug}-{o.year}-{o.sequence:04d}")
    location = factory.LazyFunction(lambda: Point(106.69, 10.77, srid=4326))
    violation_type = ViolationType.CLAUSE_7
    stage = Stage.DETECTED
    detected_at = factory.LazyFunction(timezone.now)
    opened_by = factory.SubFactory(UserFactory)
