from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from mutu.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path(
        "keluar/",
        auth_views.LogoutView.as_view(),
        name="logout",
    ),
    path(
        "sandi/ubah/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "sandi/ubah/selesai/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "sandi/lupa/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "sandi/lupa/terkirim/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "sandi/atur/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "sandi/atur/selesai/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("ringkasan-mingguan/", views.weekly_digest_settings, name="digest"),
    path("kode/", views.two_factor_verify, name="two_factor_verify"),
    path("dua-langkah/", views.two_factor_settings, name="two_factor"),
    path("dua-langkah/daftar/", views.two_factor_enrol, name="two_factor_enrol"),
    path(
        "dua-langkah/kode-pemulihan/",
        views.recovery_codes_regenerate,
        name="recovery_codes",
    ),
]
