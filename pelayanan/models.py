from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import identity


class OrganisationUnit(models.Model):
    """A bidang or sub-bidang of the agency. Officers belong to one; services are owned by one."""

    code = models.SlugField(_("kode"), max_length=30, unique=True, help_text=_("Kode singkat, mis. BKPSDM atau MUTASI; dipakai di nomor surat."))
    name = models.CharField(_("nama"), max_length=200)
    parent = models.ForeignKey("self", verbose_name=_("induk"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    head = models.ForeignKey("pelayanan.User", verbose_name=_("kepala unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField(_("e-mail unit"), blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("unit organisasi")
        verbose_name_plural = _("unit organisasi")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, email_verified=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


# Academic and honorific titles written before a name (gelar depan), skipped for the short name.
FRONT_TITLES = {"dr", "drs", "dra", "ir", "prof", "h", "hj", "kh", "drg", "apt", "ns"}


class User(AbstractUser):
    """A citizen, civil servant or officer. Logs in with e-mail."""

    class AsnType(models.TextChoices):
        NONE = "none", _("Bukan ASN")
        PNS = "pns", _("PNS")
        CPNS = "cpns", _("CPNS")
        PPPK = "pppk", _("PPPK")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("alamat e-mail"), unique=True)
    email_verified = models.BooleanField(_("e-mail terverifikasi"), default=False)
    # Proof of consent (UU 27/2022 Pasal 24: the controller must be able to show it).
    privacy_consent_at = models.DateTimeField(_("persetujuan pemrosesan data pribadi"), null=True, blank=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150, help_text=_("Beserta gelar, seperti tertulis di SK."))
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[identity.validate_nik])
    asn_type = models.CharField(_("status ASN"), max_length=10, choices=AsnType.choices, default=AsnType.NONE)
    nip = models.CharField(_("NIP / NI PPPK"), max_length=18, blank=True, help_text=_("18 angka, tanpa spasi."))
    rank = models.CharField(_("pangkat/golongan ruang"), max_length=80, blank=True, help_text=_("mis. Penata (III/c)"))
    position = models.CharField(_("jabatan"), max_length=150, blank=True)
    work_unit = models.CharField(_("unit kerja / OPD"), max_length=200, blank=True, help_text=_("Perangkat daerah tempat bekerja."))
    unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("unit (petugas)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="members",
        help_text=_("Unit tempat petugas bertugas; menentukan antrean yang dilihatnya."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.UniqueConstraint(fields=["nik"], condition=~models.Q(nik=""), name="unique_nik_when_set"),
            models.UniqueConstraint(fields=["nip"], condition=~models.Q(nip=""), name="unique_nip_when_set"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        """First name without the titles written before it ("Dr. Hendra Siregar, M.Si." -> "Hendra")."""
        words = self.full_name.split(",")[0].split()
        names = [w for w in words if w.rstrip(".").lower() not in FRONT_TITLES]
        return (names or words or [self.email])[0]

    @property
    def is_asn(self):
        return self.asn_type != self.AsnType.NONE

    @property
    def nip_display(self):
        return identity.format_nip(self.nip)

    @property
    def nik_masked(self):
        return identity.mask(self.nik)

    @property
    def nip_masked(self):
        return identity.mask(self.nip)

    def in_group(self, name):
        return self.groups.filter(name=name).exists()
