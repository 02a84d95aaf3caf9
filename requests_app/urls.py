from django.urls import path
from django.views.generic import TemplateView

app_name = "requests_app"
soon = TemplateView.as_view(template_name="coming_soon.html")
urlpatterns = [
    path("layanan/", soon, name="service_list"),
    path("permohonan/baru/", soon, name="apply_start"),
    path("permohonan/", soon, name="my_requests"),
    path("lacak/", soon, name="lookup"),
    path("jam-layanan/", soon, name="hours"),
    path("transparansi/", soon, name="transparency"),
]
