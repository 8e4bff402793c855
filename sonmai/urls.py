from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from sonmai import views
from units import views as units_views

admin.site.site_header = _("Quản trị cổng theo dõi nhiệm vụ")
admin.site.site_title = _("Quản trị")
admin.site.index_title = _("Quản trị hệ thống: đơn vị, người dùng, ngày nghỉ")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/doi-mat-khau/", units_views.password_change, name="password_change"),
    path("quen-mat-khau/", units_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/",
        units_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "quen-mat-khau/xong/",
        units_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "quen-mat-khau/<uidb64>/<token>/",
        units_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("units.urls")),
    path("", include("directives.urls")),
    path("", include("reports.urls")),
    path("", include("notifications.urls")),
    # The admin's own password form checks the current password outside the sign-in throttle
    # and the record: staff change theirs on the portal's page like everyone.
    path("quan-tri/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("quan-tri/", admin.site.urls),
]
