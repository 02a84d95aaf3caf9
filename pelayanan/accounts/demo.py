"""Demo accounts for `manage.py seed_demo`: one per role, with printed logins.

The identity numbers are real-shaped (DOMAIN.md §1: Medan NIKs start 1271, NIPs are
YYYYMMDD YYYYMM G NNN) and agree with each other, so they pass pelayanan.identity with no
warning. The .test domain is reserved (RFC 2606): nothing is ever delivered there.
Running the seeder again updates the same rows; nothing is duplicated.
"""

from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from pelayanan import identity
from pelayanan.models import OrganisationUnit, User

AGENCY_UNIT = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kota Medan"


@dataclass(frozen=True)
class DemoUser:
    role: str
    email: str
    password: str
    full_name: str
    phone: str = ""
    nik: str = ""
    asn_type: str = User.AsnType.NONE
    nip: str = ""
    rank: str = ""
    position: str = ""
    work_unit: str = ""
    unit: str | None = None  # OrganisationUnit code, for officers
    groups: tuple = ()
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser(
        role="Warga ASN (PNS)", email="pns@demo.test", password="Layanan-Pns-2026",
        full_name="Andi Pratama, S.Pd.", phone="081260001001", nik="1271051203880002",
        asn_type=User.AsnType.PNS, nip="198803122014031002", rank="Penata Muda Tingkat I (III/b)",
        position="Guru Ahli Pertama", work_unit="Dinas Pendidikan Kota Medan",
    ),
    DemoUser(
        role="Warga bukan ASN", email="warga@demo.test", password="Layanan-Warga-2026",
        full_name="Siti Rahmawati", phone="081260001002", nik="1271106307950001",
    ),
    DemoUser(
        role="Atasan Langsung (PNS)", email="atasan@demo.test", password="Layanan-Atasan-2026",
        full_name="Drs. Bambang Sitorus, M.Pd.", phone="081260001003", nik="1271020511720003",
        asn_type=User.AsnType.PNS, nip="197211051998031004", rank="Pembina (IV/a)",
        position="Kepala SMP Negeri 1 Medan", work_unit="Dinas Pendidikan Kota Medan",
        groups=("Atasan Langsung",),
    ),
    DemoUser(
        role="Petugas Layanan (PPI)", email="petugas.ppi@demo.test", password="Layanan-Petugas-2026",
        full_name="Rizky Hasibuan, S.Kom.", phone="081260001004", nik="1271081708900005",
        asn_type=User.AsnType.PNS, nip="199008172015031001", rank="Penata Muda (III/a)",
        position="Pengelola Data Kepegawaian", work_unit=AGENCY_UNIT,
        unit="ppi", groups=("Petugas Layanan",), is_staff=True,
    ),
    DemoUser(
        role="Petugas Layanan (Mutasi)", email="petugas.mutasi@demo.test", password="Layanan-Mutasi-2026",
        full_name="Nurhayati Lubis, S.E.", phone="081260001005", nik="1271075402870002",
        asn_type=User.AsnType.PNS, nip="198702142010042003", rank="Penata (III/c)",
        position="Analis Sumber Daya Manusia Aparatur", work_unit=AGENCY_UNIT,
        unit="mutasi", groups=("Petugas Layanan",), is_staff=True,
    ),
    DemoUser(
        role="Pejabat Penandatangan (Kepala Badan)", email="pejabat@demo.test", password="Layanan-Pejabat-2026",
        full_name="Dr. Hendra Siregar, S.H., M.Si.", phone="081260001006", nik="1271042106750001",
        asn_type=User.AsnType.PNS, nip="197506212000121001", rank="Pembina Tingkat I (IV/b)",
        position="Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", work_unit=AGENCY_UNIT,
        unit="bkpsdm", groups=("Pejabat Penandatangan",), is_staff=True,
    ),
    DemoUser(
        role="Supervisor", email="supervisor@demo.test", password="Layanan-Supervisor-2026",
        full_name="Maya Simanjuntak, S.Sos., M.A.P.", phone="081260001007", nik="1271014910800003",
        asn_type=User.AsnType.PNS, nip="198010092005012002", rank="Pembina (IV/a)",
        position="Sekretaris BKPSDM", work_unit=AGENCY_UNIT,
        unit="bkpsdm", groups=("Supervisor",), is_staff=True,
    ),
    DemoUser(
        role="Superuser", email="admin@demo.test", password="Layanan-Admin-2026",
        full_name="Administrator Portal", is_staff=True, is_superuser=True,
    ),
]

# The signing official heads the agency; as head of the root unit the official signs for every bidang.
UNIT_HEADS = {"bkpsdm": "pejabat@demo.test", "ppi": "pejabat@demo.test"}

PROFILE = ("full_name", "phone", "nik", "asn_type", "nip", "rank", "position", "work_unit", "is_staff", "is_superuser")


def seed_accounts(users=DEMO_USERS) -> list[DemoUser]:
    """Create or update the demo accounts, their roles and unit heads. Returns the specs seeded."""
    units = {u.code: u for u in OrganisationUnit.objects.all()}
    groups = {g.name: g for g in Group.objects.all()}
    by_email = {}
    for spec in users:
        _check(spec, units, groups)
        user = User.objects.filter(email__iexact=spec.email).first() or User(email=spec.email)
        for name in PROFILE:
            setattr(user, name, getattr(spec, name))
        user.unit = units[spec.unit] if spec.unit else None
        user.is_active = user.email_verified = True
        if not user.check_password(spec.password):  # re-hash only when it changed: a second run writes the same row
            user.set_password(spec.password)
        user.save()
        user.groups.set([groups[name] for name in spec.groups])
        by_email[spec.email] = user
    for code, email in UNIT_HEADS.items():
        unit = units[code]
        if unit.head_id != by_email[email].pk:
            unit.head = by_email[email]
            unit.save(update_fields=["head"])
    return list(users)


def format_logins(users) -> str:
    rows = [("Email", "Kata sandi", "Peran")] + [(u.email, u.password, u.role) for u in users]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    fmt = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    out = [line, fmt.format(*rows[0]), line] + [fmt.format(*row) for row in rows[1:]] + [line]
    return "\n".join(out)


def _check(spec, units, groups):
    """Fail loudly (and before writing) when the demo data or the migrations are not what we expect."""
    if spec.unit and spec.unit not in units:
        raise ImproperlyConfigured(f"Unit {spec.unit!r} is missing; run `manage.py migrate` first.")
    missing = [name for name in spec.groups if name not in groups]
    if missing:
        raise ImproperlyConfigured(f"Groups {missing} are missing; run `manage.py migrate` first.")
    if spec.nik:
        identity.parse_nik(spec.nik)
    if spec.nip:
        identity.parse_nip(spec.nip, pppk=spec.asn_type == User.AsnType.PPPK)
    password_validation.validate_password(spec.password, User(email=spec.email, full_name=spec.full_name))
