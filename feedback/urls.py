from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("pengaduan/", views.feedback_create, name="complaint_create"),
    path("pengaduan/terkirim/", views.feedback_filed, name="filed"),
    path("pengaduan/lacak/", views.track, name="track"),
    path("pengaduan/lacak/<str:code>/", views.track_detail, name="track_detail"),
    path("saran/", views.suggestion_list, name="suggestions"),
    path("saran/<uuid:public_id>/", views.suggestion_detail, name="suggestion_detail"),
    path("saran/<uuid:public_id>/dukung/", views.support, name="support"),
    path("survei/", views.survey_walk_in, name="survey"),
    path("survei/terima-kasih/", views.survey_thanks, name="survey_thanks"),
    path("survei/permohonan/<str:code>/<str:token>/", views.survey_request, name="survey_request"),
]
