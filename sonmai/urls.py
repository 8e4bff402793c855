from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from units.views import home

admin.site.site_header = _("Quản trị cổng theo dõi nhiệm vụ")
admin.site.site_title = _("Quản trị")
admin.site.index_title = _("Quản trị hệ thống: đơn vị, người dùng, ngày nghỉ")

urlpatterns = [
    path("", home, name="home"),
    path(
        "dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("units.urls")),
    path("", include("directives.urls")),
    path("", include("reports.urls")),
    path("", include("notifications.urls")),
    path("quan-tri/", admin.site.urls),
]
