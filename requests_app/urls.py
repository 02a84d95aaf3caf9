from django.urls import path
from django.views.generic import TemplateView

from . import public, verify, views

app_name = "requests_app"
soon = TemplateView.as_view(template_name="coming_soon.html")
urlpatterns = [
    # Public transparency pages (requests_app/public.py).
    path("layanan/", public.service_list, name="service_list"),
    path("layanan/<slug:slug>/", public.service_detail, name="service_detail"),
    path("layanan/<slug:slug>/standar.pdf", public.service_pdf, name="service_pdf"),
    # Citizen side (requests_app/views.py). Literal paths first: "baru" and "pertimbangan" are not codes.
    path("permohonan/baru/", views.apply_start, name="apply_start"),
    path("permohonan/baru/<slug:slug>/", views.apply, name="apply"),
    path("permohonan/baru/<slug:slug>/lama-cuti/", views.leave_length, name="leave_length"),
    path("permohonan/pertimbangan/", views.consider_list, name="consider_list"),
    path("permohonan/", views.my_requests, name="my_requests"),
    path("permohonan/<str:code>/", views.detail, name="detail"),
    path("permohonan/<str:code>/ubah/", views.edit, name="edit"),
    path("permohonan/<str:code>/dokumen/", views.apply_documents, name="apply_documents"),
    path("permohonan/<str:code>/dokumen/<int:pk>/", views.document, name="document"),
    path("permohonan/<str:code>/periksa/", views.apply_review, name="apply_review"),
    path("permohonan/<str:code>/kirim/", views.apply_submit, name="apply_submit"),
    path("permohonan/<str:code>/terkirim/", views.apply_done, name="apply_done"),
    path("permohonan/<str:code>/tanda-terima/", views.receipt, name="receipt"),
    path("permohonan/<str:code>/kirim-ulang/", views.resubmit, name="resubmit"),
    path("permohonan/<str:code>/batal/", views.cancel, name="cancel"),
    path("permohonan/<str:code>/pertimbangan/", views.consider, name="consider"),
    # Letters (requests_app/verify.py): the PDF download and the public verification page behind the QR code.
    path("permohonan/<str:code>/surat.pdf", verify.letter_pdf, name="letter_pdf"),
    path("verifikasi/", verify.verify_lookup, name="verify_lookup"),
    path("verifikasi/<str:code>/", verify.verify, name="verify"),
    path("lacak/", views.lookup, name="lookup"),
    path("jam-layanan/", public.opening_hours, name="hours"),
    path("transparansi/", public.transparency, name="transparency"),
    path("transparansi/data.csv", public.transparency_csv, name="transparency_csv"),
    path("transparansi/data.json", public.transparency_json, name="transparency_json"),
]
