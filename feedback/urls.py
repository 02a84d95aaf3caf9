from django.urls import path
from django.views.generic import TemplateView

app_name = "feedback"
soon = TemplateView.as_view(template_name="coming_soon.html")
urlpatterns = [
    path("pengaduan/", soon, name="complaint_create"),
]
