"""Deterministic builders for test data (factory_boy)."""

import factory
from django.contrib.auth.models import Group

from pelayanan.models import User

# Real-shaped identity numbers: NIK of a Medan resident and the NIP of a PNS
# born 26-09-1986, appointed May 2015 (DOMAIN.md §1). Sequences keep them unique.


def _nik(n):
    return f"127105260986{n + 1:04d}"


def _nip(n):
    return f"198609262015051{n + 1:03d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.id")
    full_name = factory.Sequence(lambda n: f"Pengguna {n}")
    phone = "081234567890"
    nik = factory.Sequence(_nik)
    asn_type = User.AsnType.PNS
    nip = factory.Sequence(_nip)
    rank = "Penata (III/c)"
    position = "Analis Sumber Daya Manusia Aparatur"
    work_unit = "Dinas Pendidikan Kota Medan"
    email_verified = True
    password = factory.django.Password("rahasia-kuat-123")


def staff_user(email, group, *, unit, full_name):
    user = UserFactory(email=email, full_name=full_name, is_staff=True, unit=unit)
    user.groups.add(Group.objects.get(name=group))
    return user
