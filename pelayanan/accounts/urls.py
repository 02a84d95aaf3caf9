from django.urls import path

from . import otp_views, privacy_views, views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("daftar/", views.register, name="register"),
    path("daftar/terkirim/", views.register_done, name="register_done"),
    path("profil/", views.profile, name="profile"),
    path("privasi/", privacy_views.notice, name="privacy_notice"),
    path("data-saya/", privacy_views.export, name="privacy_export"),
    path("hapus/", privacy_views.delete, name="privacy_delete"),
    path("verifikasi/", views.verify_notice, name="verify_notice"),
    path("verifikasi/kirim-ulang/", views.verify_resend, name="verify_resend"),
    path("verifikasi/<uidb64>/<token>/", views.verify_email, name="verify_email"),
    path("kata-sandi/ganti/", views.PasswordChangeView.as_view(), name="password_change"),
    path("kata-sandi/lupa/", views.PasswordResetView.as_view(), name="password_reset"),
    path("kata-sandi/lupa/terkirim/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("kata-sandi/atur/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("kata-sandi/atur/selesai/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("2fa/", otp_views.two_factor, name="two_factor"),
    path("2fa/verifikasi/", otp_views.verify, name="otp_verify"),
    path("2fa/kode-cadangan/", otp_views.backup_codes, name="otp_backup_codes"),
    path("2fa/nonaktifkan/", otp_views.disable, name="otp_disable"),
]
