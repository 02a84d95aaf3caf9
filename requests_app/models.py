import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Tracking codes are read aloud at the counter and over the phone, so the
# alphabet leaves out 0/O and 1/I/L, which people confuse.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(length=6):
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class Holiday(models.Model):
    """A non-working day that the `holidays` package does not know, or overrides (new SKB, local decree)."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("Libur nasional")
        CUTI_BERSAMA = "cuti_bersama", _("Cuti bersama")
        REGIONAL = "regional", _("Libur daerah / kantor tutup")
        WORKING_DAY = "working_day", _("Hari kerja (membatalkan libur)")

    date = models.DateField(_("tanggal"), unique=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.NATIONAL)
    name = models.CharField(_("nama"), max_length=200)
    source_decree = models.CharField(_("dasar penetapan"), max_length=200, blank=True, help_text=_("mis. SKB 3 Menteri No. ... / Keppres No. ..."))

    class Meta:
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.name}"


class LeavePolicy(models.Model):
    """One leave type for one kind of ASN, with the numbers staff may need to update when rules change.

    Sources: PP 11/2017 Pasal 310-341 jo. PP 17/2020 and Peraturan BKN 24/2017 jo. 7/2021 (PNS/CPNS);
    PP 49/2018 and Peraturan BKN 7/2022 (PPPK). See ../shared/DOMAIN.md §2.
    """

    class AsnGroup(models.TextChoices):
        PNS = "pns", _("PNS dan CPNS")
        PPPK = "pppk", _("PPPK")

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("hari kerja")
        CALENDAR_DAYS = "calendar_days", _("hari kalender")
        MONTHS = "months", _("bulan")
        YEARS = "years", _("tahun")

    asn_group = models.CharField(_("berlaku untuk"), max_length=10, choices=AsnGroup.choices)
    code = models.SlugField(_("kode"), max_length=30, help_text=_("tahunan, besar, sakit, melahirkan, alasan_penting, cltn"))
    name = models.CharField(_("nama jenis cuti"), max_length=100)
    unit = models.CharField(_("satuan lama cuti"), max_length=20, choices=Unit.choices)
    max_length = models.PositiveIntegerField(_("lama paling lama"), help_text=_("Dalam satuan di atas, per permohonan."))
    min_service_years = models.PositiveIntegerField(_("masa kerja minimal (tahun)"), default=0)
    annual_entitlement = models.PositiveIntegerField(_("hak per tahun (hari kerja)"), default=0, help_text=_("Hanya untuk cuti tahunan."))
    carry_cap_one_year = models.PositiveIntegerField(_("batas bila 1 tahun tidak diambil"), default=0, help_text=_("Termasuk tahun berjalan, mis. 18 hari kerja."))
    carry_cap_two_years = models.PositiveIntegerField(_("batas bila 2 tahun berturut-turut tidak diambil"), default=0, help_text=_("Termasuk tahun berjalan, mis. 24 hari kerja."))
    requires_document = models.BooleanField(_("wajib dokumen pendukung"), default=False)
    document_hint = models.CharField(_("dokumen pendukung"), max_length=250, blank=True)
    classification_code = models.CharField(_("kode klasifikasi arsip"), max_length=30, help_text=_("Permendagri 83/2022, mis. 800.1.11.4"))
    legal_basis = models.CharField(_("dasar hukum"), max_length=250, blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("aturan cuti")
        verbose_name_plural = _("aturan cuti")
        ordering = ["asn_group", "order"]
        constraints = [models.UniqueConstraint(fields=["asn_group", "code"], name="unique_leave_policy")]

    def __str__(self):
        return f"{self.name} ({self.get_asn_group_display()})"


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True).select_related("unit").order_by("order", "name")


class Service(models.Model):
    """A service the agency offers, and its published Standar Pelayanan (PermenPANRB 15/2014)."""

    class Kind(models.TextChoices):
        EMPLOYMENT_CERTIFICATE = "employment_certificate", _("Surat keterangan")
        LEAVE = "leave", _("Izin cuti")
        GENERAL = "general", _("Layanan umum")

    code = models.CharField(_("kode"), max_length=10, unique=True, help_text=_("Awalan kode lacak, mis. SKK."))
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("nama layanan"), max_length=150)
    kind = models.CharField(_("jenis formulir"), max_length=30, choices=Kind.choices, default=Kind.GENERAL)
    summary = models.TextField(_("ringkasan"))
    eligibility = models.CharField(_("yang dapat mengajukan"), max_length=250)
    asn_only = models.BooleanField(_("khusus ASN"), default=True, help_text=_("Hanya pemohon berstatus PNS, CPNS atau PPPK yang dapat mengajukan secara daring."))
    procedure = models.TextField(_("prosedur"), help_text=_("Satu langkah per baris, berurutan."))
    sla_days = models.PositiveSmallIntegerField(_("jangka waktu (hari kerja)"))
    fee = models.PositiveIntegerField(_("biaya (rupiah)"), default=0, help_text=_("0 ditampilkan sebagai Gratis."))
    fee_basis = models.CharField(_("dasar biaya"), max_length=250, blank=True)
    legal_basis = models.TextField(_("dasar hukum"), blank=True)
    product = models.CharField(_("produk layanan"), max_length=250)
    complaint_channel = models.TextField(_("penanganan pengaduan"), blank=True)
    unit = models.ForeignKey("pelayanan.OrganisationUnit", verbose_name=_("unit penanggung jawab"), on_delete=models.PROTECT, related_name="services")
    classification_code = models.CharField(_("kode klasifikasi surat"), max_length=30, blank=True, help_text=_("Untuk layanan cuti, kode diambil dari aturan cuti."))
    letter_title = models.CharField(_("judul surat"), max_length=100, blank=True)
    signed_on_behalf_of = models.CharField(
        _("ditandatangani atas nama"), max_length=150, blank=True,
        help_text=_("Isi bila pejabat penandatangan menandatangani atas nama pejabat yang berwenang (mandat), "
                    "mis. “Wali Kota Medan”: surat memuat baris “a.n. WALI KOTA MEDAN” di atas jabatan "
                    "penandatangan. Kosongkan bila pejabat menandatangani atas kewenangannya sendiri."),
    )
    active = models.BooleanField(_("aktif"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    updated = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def procedure_steps(self):
        return [line.strip() for line in self.procedure.splitlines() if line.strip()]

    @property
    def is_free(self):
        return self.fee == 0

    @property
    def is_leave(self):
        return self.kind == self.Kind.LEAVE

    def due_date_if_sent(self, on=None):
        """The time limit of a request sent on `on` (default today, WIB): sla_days working days after it."""
        from .calendar import add_working_days

        return add_working_days(on or timezone.localdate(), self.sla_days)


class ServiceRequirement(models.Model):
    """A document the applicant must (or may) upload."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="requirements")
    name = models.CharField(_("nama dokumen"), max_length=150)
    description = models.CharField(_("keterangan"), max_length=250, blank=True)
    required = models.BooleanField(_("wajib"), default=True)
    formats = models.CharField(_("format diterima"), max_length=30, default="pdf,jpg,png", help_text=_("Dipisah koma: pdf, jpg, png."))
    max_size_kb = models.PositiveIntegerField(_("ukuran maksimal (KB)"), default=2048)
    leave_types = models.CharField(_("hanya untuk jenis cuti"), max_length=150, blank=True, help_text=_("Kode jenis cuti dipisah koma; kosong = semua."))
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("persyaratan dokumen")
        verbose_name_plural = _("persyaratan dokumen")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name

    @property
    def format_list(self):
        return [f.strip().lower() for f in self.formats.split(",") if f.strip()]

    def applies_to(self, leave_code):
        codes = [c.strip() for c in self.leave_types.split(",") if c.strip()]
        return not codes or leave_code in codes


class ServiceRequestQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=ServiceRequest.FINISHED_STATUSES).exclude(status=ServiceRequest.Status.DRAFT)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today, paused_at__isnull=True)

    def due_on(self, day):
        return self.open().filter(due_date=day, paused_at__isnull=True)

    def ready_for_decision(self):
        """In process with the files verified: what a signing official may approve or reject now
        (workflow.approve_request requires exactly this)."""
        return self.filter(status=ServiceRequest.Status.IN_REVIEW, verified_by__isnull=False)

    def awaiting_verification(self):
        """In process, the files not yet verified by the officer handling them."""
        return self.filter(status=ServiceRequest.Status.IN_REVIEW, verified_by__isnull=True)

    def for_officer(self, user):
        """What an officer may see: everything for superusers and supervisors, else the requests of their
        unit and of the bidang under it (the head of the agency's root unit signs for every bidang)."""
        if user.is_superuser or user.has_perm("requests_app.view_all_units"):
            return self
        if user.unit_id is None:
            return self.none()
        return self.filter(models.Q(service__unit_id=user.unit_id) | models.Q(service__unit__parent_id=user.unit_id))


class ServiceRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")
        WITH_SUPERVISOR = "with_supervisor", _("Menunggu Pertimbangan Atasan")
        IN_REVIEW = "in_review", _("Diverifikasi/Diproses")
        REVISION = "revision", _("Perlu Perbaikan")
        APPROVED = "approved", _("Disetujui")
        LETTER_ISSUED = "letter_issued", _("Surat Terbit")
        REJECTED = "rejected", _("Ditolak")
        CANCELLED = "cancelled", _("Dibatalkan")

    FINISHED_STATUSES = (Status.LETTER_ISSUED, Status.REJECTED, Status.CANCELLED)

    class SupervisorDecision(models.TextChoices):
        APPROVED = "approved", _("Disetujui")
        CHANGED = "changed", _("Perubahan")
        DEFERRED = "deferred", _("Ditangguhkan")
        REFUSED = "refused", _("Tidak disetujui")

    code = models.CharField(_("kode lacak"), max_length=20, unique=True)
    service = models.ForeignKey(Service, verbose_name=_("layanan"), on_delete=models.PROTECT, related_name="requests")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("pemohon"), on_delete=models.PROTECT, related_name="service_requests")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diajukan oleh petugas"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", help_text=_("Diisi bila petugas mengajukan atas nama pemohon di loket."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    details = models.JSONField(_("isian"), default=dict, blank=True)

    # Leave (izin cuti). Stored explicitly with its unit and calendar snapshot so a later
    # holiday decree never silently changes an approved letter (DOMAIN.md §2.6).
    leave_policy = models.ForeignKey(LeavePolicy, verbose_name=_("jenis cuti"), null=True, blank=True, on_delete=models.PROTECT)
    start_date = models.DateField(_("tanggal mulai"), null=True, blank=True)
    end_date = models.DateField(_("tanggal selesai"), null=True, blank=True)
    duration = models.PositiveIntegerField(_("lama"), null=True, blank=True)
    duration_unit = models.CharField(_("satuan"), max_length=20, choices=LeavePolicy.Unit.choices, blank=True)
    calendar_snapshot = models.JSONField(_("hari libur yang dipakai"), default=list, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("atasan langsung"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="supervised_requests",
    )
    supervisor_decision = models.CharField(_("pertimbangan atasan"), max_length=20, choices=SupervisorDecision.choices, blank=True)
    supervisor_note = models.TextField(_("alasan pertimbangan atasan"), blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("petugas"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="assigned_requests",
    )
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("diverifikasi oleh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("diputuskan oleh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rejection_reason = models.TextField(_("alasan penolakan"), blank=True)

    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True, db_index=True)
    due_date = models.DateField(_("batas waktu"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(_("SLA dijeda sejak"), null=True, blank=True, help_text=_("Selama pemohon memperbaiki berkas."))
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        ordering = ["-created"]
        permissions = [
            ("verify_servicerequest", _("Dapat memverifikasi permohonan unitnya")),
            ("approve_servicerequest", _("Dapat menyetujui permohonan dan menandatangani surat")),
            ("consider_leave", _("Dapat memberi pertimbangan atasan langsung")),
            ("view_all_units", _("Dapat melihat permohonan semua unit")),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="req_status_due"),
            models.Index(fields=["service", "status"], name="req_service_status"),
            models.Index(fields=["assigned_to", "status"], name="req_assignee_status"),
            # The staff queue (requests in process, by due date) and its overdue counts: a small partial
            # index that also answers the counts without reading the table (bench/admin_queue.py).
            models.Index(
                fields=["due_date", "service"], include=["paused_at"], name="req_open_due",
                condition=~models.Q(status__in=["draft", "letter_issued", "rejected", "cancelled"]),
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def is_finished(self):
        return self.status in self.FINISHED_STATUSES

    @property
    def is_assisted(self):
        """Filed at the counter by an officer on the applicant's behalf."""
        return self.filed_by_id is not None and self.filed_by_id != self.applicant_id

    @property
    def finished_on_time(self):
        """True or False once a letter is issued or the request rejected (finished on or before the due date,
        as the transparency figures count it, in WIB); None otherwise."""
        if self.status not in (self.Status.LETTER_ISSUED, self.Status.REJECTED) or not (self.due_date and self.finished_at):
            return None
        return timezone.localdate(self.finished_at) <= self.due_date

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return bool(self.due_date and not self.is_finished and not self.paused_at and self.status != self.Status.DRAFT and self.due_date < today)

    @property
    def can_cancel(self):
        return self.status in (self.Status.SUBMITTED, self.Status.WITH_SUPERVISOR, self.Status.REVISION)


def document_upload_to(instance, filename):
    # Random names: the original name is kept in the row, never in the path.
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class RequestDocument(models.Model):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(ServiceRequirement, verbose_name=_("persyaratan"), null=True, blank=True, on_delete=models.PROTECT)
    file = models.FileField(_("berkas"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("nama berkas asli"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    superseded = models.BooleanField(_("digantikan"), default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")
        ordering = ["requirement__order", "created"]

    def __str__(self):
        return self.original_name


class RequestEvent(models.Model):
    """Append-only history of a request, written by the workflow (never edited or deleted)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Permohonan diajukan")
        ASSISTED = "assisted", _("Diajukan petugas di loket")
        SENT_TO_SUPERVISOR = "to_supervisor", _("Diteruskan ke atasan langsung")
        SUPERVISOR_DECIDED = "supervisor", _("Pertimbangan atasan langsung")
        ASSIGNED = "assigned", _("Ditangani petugas")
        REVISION_REQUESTED = "revision", _("Perbaikan diminta")
        RESUBMITTED = "resubmitted", _("Perbaikan dikirim")
        VERIFIED = "verified", _("Berkas diverifikasi")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")
        CANCELLED = "cancelled", _("Dibatalkan pemohon")
        LETTER_ISSUED = "letter_issued", _("Surat terbit")
        LETTER_FAILED = "letter_failed", _("Pembuatan surat gagal")
        LETTER_REVOKED = "letter_revoked", _("Surat dicabut")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("oleh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("dari"), max_length=20, choices=ServiceRequest.Status.choices, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=20, choices=ServiceRequest.Status.choices, blank=True)
    note = models.TextField(_("catatan internal"), blank=True)
    public_note = models.TextField(_("catatan untuk pemohon"), blank=True)
    created = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("riwayat")
        verbose_name_plural = _("riwayat")
        ordering = ["created", "pk"]

    def __str__(self):
        return f"{self.request_id} {self.action}"


class ReplyTemplate(models.Model):
    """Reusable wording for revision requests and rejections at the counter."""

    class Kind(models.TextChoices):
        REVISION = "revision", _("Permintaan perbaikan")
        REJECTION = "rejection", _("Penolakan")

    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=100)
    text = models.TextField(_("isi"))
    services = models.ManyToManyField(
        Service, verbose_name=_("layanan"), blank=True, related_name="+",
        help_text=_("Templat hanya ditawarkan pada permohonan layanan ini. Kosongkan bila berlaku untuk semua layanan."),
    )
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("templat balasan")
        verbose_name_plural = _("templat balasan")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title

    @classmethod
    def offered_for(cls, service):
        """The active templates an officer may pick on a request of this service."""
        return cls.objects.filter(active=True).filter(models.Q(services=None) | models.Q(services=service)).distinct()


class LetterCounter(models.Model):
    """The last letter number used per classification code and year; locked row per issue (gap-free)."""

    classification_code = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classification_code", "year"], name="unique_letter_counter")]

    def __str__(self):
        return f"{self.classification_code}/{self.year}: {self.last_number}"


def letter_upload_to(instance, filename):
    return f"letters/{timezone.now():%Y}/{uuid.uuid4().hex}.pdf"


class Letter(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu dibuat")
        RENDERING = "rendering", _("Sedang dibuat")
        ISSUED = "issued", _("Terbit")
        FAILED = "failed", _("Gagal dibuat")

    request = models.OneToOneField(ServiceRequest, verbose_name=_("permohonan"), on_delete=models.PROTECT, related_name="letter")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    number = models.CharField(_("nomor surat"), max_length=80, unique=True)
    classification_code = models.CharField(_("kode klasifikasi"), max_length=30)
    sequence = models.PositiveIntegerField(_("nomor urut"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    verification_code = models.CharField(_("kode verifikasi"), max_length=32, unique=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("penandatangan"), on_delete=models.PROTECT, related_name="+")
    # Copied from the service at approval, like the number: the letter keeps saying what it said when issued.
    on_behalf_of = models.CharField(_("atas nama"), max_length=150, blank=True)
    file = models.FileField(_("berkas PDF"), upload_to=letter_upload_to, blank=True, max_length=200)
    sha256 = models.CharField(_("sidik SHA-256"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("tanggal surat"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sedang dibuat sejak"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan pembuatan"), default=0)
    last_error = models.TextField(_("kesalahan terakhir"), blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_reason = models.TextField(_("alasan pencabutan"), blank=True)

    class Meta:
        verbose_name = _("surat")
        verbose_name_plural = _("surat")
        constraints = [models.UniqueConstraint(fields=["classification_code", "year", "sequence"], name="unique_letter_sequence")]

    def __str__(self):
        return self.number

    def delete(self, *args, **kwargs):
        raise PermissionError("Issued letters are never deleted; revoke them instead.")


class LetterTemplate(models.Model):
    """Body wording of a letter kind, editable by staff. Placeholders use Django template syntax."""

    kind = models.CharField(_("jenis surat"), max_length=30, unique=True, choices=Service.Kind.choices)
    body = models.TextField(_("isi surat"))
    closing = models.TextField(_("penutup"))
    copies_to = models.TextField(_("tembusan"), blank=True, help_text=_("Satu per baris."))
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("templat surat")
        verbose_name_plural = _("templat surat")

    def __str__(self):
        return self.get_kind_display()


class ServicePoint(models.Model):
    """A place where the public is served (loket), with its weekly hours."""

    name = models.CharField(_("nama"), max_length=150)
    address = models.CharField(_("alamat"), max_length=250)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tempat layanan")
        verbose_name_plural = _("tempat layanan")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Senin")
        TUESDAY = 1, _("Selasa")
        WEDNESDAY = 2, _("Rabu")
        THURSDAY = 3, _("Kamis")
        FRIDAY = 4, _("Jumat")
        SATURDAY = 5, _("Sabtu")
        SUNDAY = 6, _("Minggu")

    point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices)
    opens = models.TimeField(_("buka"))
    closes = models.TimeField(_("tutup"))
    note = models.CharField(_("keterangan"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("jam layanan")
        verbose_name_plural = _("jam layanan")
        ordering = ["weekday", "opens"]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H.%M}-{self.closes:%H.%M}"


class OpeningException(models.Model):
    point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("tanggal"))
    closed = models.BooleanField(_("tutup sepanjang hari"), default=True)
    opens = models.TimeField(_("buka"), null=True, blank=True)
    closes = models.TimeField(_("tutup"), null=True, blank=True)
    note = models.CharField(_("keterangan"), max_length=150)

    class Meta:
        verbose_name = _("pengecualian jam layanan")
        verbose_name_plural = _("pengecualian jam layanan")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.note}"


class ServicePledge(models.Model):
    """Maklumat Pelayanan (UU 25/2009 Pasal 22)."""

    text = models.TextField(_("isi maklumat"))
    signed_by = models.CharField(_("ditandatangani oleh"), max_length=150)
    active = models.BooleanField(_("aktif"), default=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("maklumat pelayanan")
        verbose_name_plural = _("maklumat pelayanan")

    def __str__(self):
        return self.signed_by
