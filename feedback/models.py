import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


def _score(label):
    return models.PositiveSmallIntegerField(label, validators=SCORE_VALIDATORS)


class SurveyResponseQuerySet(models.QuerySet):
    def between(self, start=None, end=None):
        qs = self
        if start:
            qs = qs.filter(date__gte=start)
        if end:
            qs = qs.filter(date__lte=end)
        return qs


class SurveyResponse(models.Model):
    """One answered Survei Kepuasan Masyarakat (PermenPANRB 14/2017): nine scores from 1 to 4.

    The respondent is not identified: there is no user, name or IP. `request` exists only to allow one
    survey per finished request and is never shown in the admin, reports or exports. Only the date is
    kept (no time), so a response cannot be matched to a request by its timestamp either.
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("Setelah permohonan daring")
        WALK_IN = "walk_in", _("Pengunjung langsung")

    class AgeBand(models.TextChoices):
        UNDER_25 = "u25", _("Di bawah 25 tahun")
        FROM_25 = "25_34", _("25–34 tahun")
        FROM_35 = "35_44", _("35–44 tahun")
        FROM_45 = "45_54", _("45–54 tahun")
        FROM_55 = "55_plus", _("55 tahun ke atas")

    class Sex(models.TextChoices):
        MALE = "m", _("Laki-laki")
        FEMALE = "f", _("Perempuan")

    class Education(models.TextChoices):
        BASIC = "basic", _("SD/SMP atau sederajat")
        SENIOR = "senior", _("SMA/SMK atau sederajat")
        DIPLOMA = "diploma", _("Diploma (D1–D3)")
        BACHELOR = "bachelor", _("D4/S1")
        MASTER = "master", _("S2")
        DOCTOR = "doctor", _("S3")

    class Occupation(models.TextChoices):
        PNS = "pns", _("PNS/CPNS")
        PPPK = "pppk", _("PPPK")
        TNI_POLRI = "tni_polri", _("TNI/Polri")
        PRIVATE = "private", _("Pegawai swasta")
        SELF_EMPLOYED = "self_employed", _("Wiraswasta")
        STUDENT = "student", _("Pelajar/Mahasiswa")
        RETIRED = "retired", _("Pensiunan")
        OTHER = "other", _("Lainnya")

    service = models.ForeignKey("requests_app.Service", verbose_name=_("layanan"), on_delete=models.PROTECT, related_name="survey_responses")
    # The unit at the time of the survey: a later reorganisation does not move old results.
    unit = models.ForeignKey("pelayanan.OrganisationUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="survey_responses")
    request = models.ForeignKey(
        "requests_app.ServiceRequest", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+",
    )
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    date = models.DateField(_("tanggal"), default=timezone.localdate, db_index=True)
    u1 = _score(_("U1 Persyaratan"))
    u2 = _score(_("U2 Sistem, mekanisme, dan prosedur"))
    u3 = _score(_("U3 Waktu penyelesaian"))
    u4 = _score(_("U4 Biaya/tarif"))
    u5 = _score(_("U5 Produk spesifikasi jenis pelayanan"))
    u6 = _score(_("U6 Kompetensi pelaksana"))
    u7 = _score(_("U7 Perilaku pelaksana"))
    u8 = _score(_("U8 Penanganan pengaduan, saran dan masukan"))
    u9 = _score(_("U9 Sarana dan prasarana"))
    age_band = models.CharField(_("usia"), max_length=10, choices=AgeBand.choices)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    education = models.CharField(_("pendidikan"), max_length=10, choices=Education.choices)
    occupation = models.CharField(_("pekerjaan"), max_length=15, choices=Occupation.choices)
    suggestion = models.TextField(_("saran"), blank=True)

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("jawaban survei kepuasan")
        verbose_name_plural = _("jawaban survei kepuasan")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["request"], name="one_survey_per_request"),
            models.CheckConstraint(
                condition=models.Q(
                    u1__range=(1, 4), u2__range=(1, 4), u3__range=(1, 4), u4__range=(1, 4), u5__range=(1, 4),
                    u6__range=(1, 4), u7__range=(1, 4), u8__range=(1, 4), u9__range=(1, 4),
                ),
                name="survey_scores_1_to_4",
            ),
        ]
        indexes = [models.Index(fields=["service", "date"], name="survey_service_date")]

    def __str__(self):
        return f"{self.service} {self.date:%d-%m-%Y}"


class ComplaintTier(models.Model):
    """How long the unit has to resolve an item of a given weight (SP4N-LAPOR! practice, DOMAIN.md Addendum §4.3)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    resolution_days = models.PositiveSmallIntegerField(
        _("batas penyelesaian (hari kerja)"), help_text=_("Dihitung dalam hari kerja sejak pengaduan diterima."),
    )
    description = models.CharField(_("keterangan"), max_length=250, blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0, help_text=_("Tingkat dengan urutan terkecil dipakai untuk pengaduan baru."))

    class Meta:
        verbose_name = _("tingkat pengaduan")
        verbose_name_plural = _("tingkat pengaduan")
        ordering = ["order", "resolution_days"]

    def __str__(self):
        return _("%(name)s (%(days)s hari kerja)") % {"name": self.name, "days": self.resolution_days}


class FeedbackQuerySet(models.QuerySet):
    def for_officer(self, user):
        """Everything for superusers and holders of requests_app.view_all_units, else the officer's unit only."""
        if user.is_superuser or user.has_perm("requests_app.view_all_units"):
            return self
        if user.unit_id is None:
            return self.none()
        return self.filter(unit_id=user.unit_id)

    def open(self):
        return self.filter(status__in=Feedback.OPEN_STATUSES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        late_answer = models.Q(responded_at__isnull=True, response_due__lt=today)
        return self.open().filter(late_answer | models.Q(resolution_due__lt=today))

    def published_suggestions(self):
        return (
            self.filter(kind=Feedback.Kind.SUGGESTION, consent_public=True, published=True)
            .annotate(support_count=models.Count("supports"))
        )


def attachment_upload_to(instance, filename):
    # Random names under MEDIA_ROOT/feedback/: the filer's file name is kept in the row, never in the path.
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(instance.attachment_type, "bin")
    return f"feedback/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Feedback(models.Model):
    """A complaint (pengaduan) or suggestion (saran) from anyone, routed to the unit of its service."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Pengaduan")
        SUGGESTION = "suggestion", _("Saran")

    class Category(models.TextChoices):
        PROCEDURE = "procedure", _("Persyaratan dan prosedur")
        TIME = "time", _("Waktu penyelesaian")
        FEE = "fee", _("Biaya atau pungutan")
        STAFF = "staff", _("Perilaku atau kompetensi petugas")
        ONLINE = "online", _("Layanan daring (situs/aplikasi)")
        FACILITY = "facility", _("Sarana dan prasarana")
        INFORMATION = "information", _("Permintaan informasi")
        OTHER = "other", _("Lainnya")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Diterima")
        REVIEWING = "reviewing", _("Dalam Kajian")
        IN_PROGRESS = "in_progress", _("Ditindaklanjuti")
        DECLINED = "declined", _("Tidak Dapat Ditindaklanjuti")
        CLOSED = "closed", _("Selesai")

    OPEN_STATUSES = (Status.RECEIVED, Status.REVIEWING, Status.IN_PROGRESS)
    FINAL_STATUSES = (Status.DECLINED, Status.CLOSED)
    CODE_PREFIX = {Kind.COMPLAINT: "ADU", Kind.SUGGESTION: "SRN"}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("kode lacak"), max_length=20, unique=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    category = models.CharField(_("kategori"), max_length=15, choices=Category.choices)
    title = models.CharField(_("judul"), max_length=150)
    text = models.TextField(_("uraian"))
    service = models.ForeignKey(
        "requests_app.Service", verbose_name=_("layanan terkait"), null=True, blank=True, on_delete=models.PROTECT, related_name="feedback",
    )
    request = models.ForeignKey(
        "requests_app.ServiceRequest", verbose_name=_("permohonan terkait"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="feedback",
    )
    related_code = models.CharField(_("kode permohonan yang ditulis pelapor"), max_length=20, blank=True)
    unit = models.ForeignKey("pelayanan.OrganisationUnit", verbose_name=_("unit penanggung jawab"), on_delete=models.PROTECT, related_name="feedback")
    tier = models.ForeignKey(ComplaintTier, verbose_name=_("tingkat"), on_delete=models.PROTECT, related_name="feedback")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("petugas"), null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_feedback",
    )

    name = models.CharField(_("nama pelapor"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail pelapor"), blank=True)
    phone = models.CharField(_("nomor HP pelapor"), max_length=20, blank=True)
    consent_public = models.BooleanField(_("boleh ditayangkan"), default=False, help_text=_("Pelapor mengizinkan saran ini ditayangkan tanpa identitasnya."))
    published = models.BooleanField(_("ditayangkan"), default=False)
    published_at = models.DateTimeField(_("ditayangkan sejak"), null=True, blank=True)

    answer = models.TextField(_("tanggapan resmi terakhir"), blank=True)
    answered_at = models.DateTimeField(_("ditanggapi"), null=True, blank=True)

    attachment = models.FileField(_("lampiran"), upload_to=attachment_upload_to, blank=True, max_length=200)
    attachment_name = models.CharField(_("nama berkas asli"), max_length=200, blank=True)
    attachment_type = models.CharField(_("jenis berkas"), max_length=50, blank=True)
    attachment_size = models.PositiveIntegerField(_("ukuran berkas"), null=True, blank=True)

    received_on = models.DateField(_("tanggal diterima"), default=timezone.localdate)
    response_due = models.DateField(_("batas tanggapan pertama"))
    resolution_due = models.DateField(_("batas penyelesaian"), db_index=True)
    responded_at = models.DateTimeField(_("ditanggapi pertama kali"), null=True, blank=True)
    closed_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    created = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("pengaduan/saran")
        verbose_name_plural = _("pengaduan & saran")
        ordering = ["-created"]
        permissions = [("publish_feedback", _("Dapat menayangkan saran di halaman Saran & Tindak Lanjut"))]
        indexes = [
            models.Index(fields=["unit", "status"], name="feedback_unit_status"),
            models.Index(fields=["kind", "published"], name="feedback_kind_published"),
        ]

    def __str__(self):
        return self.code

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def has_contact(self):
        return bool(self.email or self.phone)

    def response_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.is_open and self.responded_at is None and self.response_due < today

    def resolution_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.is_open and self.resolution_due < today

    def is_overdue(self, today=None):
        return self.response_overdue(today) or self.resolution_overdue(today)


class FeedbackEvent(models.Model):
    """Append-only history of a complaint or suggestion, written by feedback/workflow.py only."""

    class Action(models.TextChoices):
        FILED = "filed", _("Diterima")
        ASSIGNED = "assigned", _("Ditangani petugas")
        STATUS = "status", _("Status diubah")
        ANSWERED = "answered", _("Ditanggapi")
        NOTE = "note", _("Catatan internal")
        TIER = "tier", _("Tingkat diubah")
        FORWARDED = "forwarded", _("Diteruskan ke unit lain")
        PUBLISHED = "published", _("Ditayangkan")
        UNPUBLISHED = "unpublished", _("Penayangan dihentikan")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("oleh"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("tindakan"), max_length=12, choices=Action.choices)
    from_status = models.CharField(_("dari"), max_length=12, choices=Feedback.Status.choices, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=12, choices=Feedback.Status.choices, blank=True)
    note = models.TextField(_("catatan internal"), blank=True)
    public_note = models.TextField(_("tanggapan untuk pelapor"), blank=True)
    created = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("riwayat")
        verbose_name_plural = _("riwayat")
        ordering = ["created", "pk"]

    def __str__(self):
        return str(self.get_action_display())


class SuggestionSupport(models.Model):
    """A logged-in user's support (+1) for a published suggestion; one per user."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dukungan saran")
        verbose_name_plural = _("dukungan saran")
        constraints = [models.UniqueConstraint(fields=["feedback", "user"], name="one_support_per_user")]

    def __str__(self):
        return f"{self.feedback_id} +1"
