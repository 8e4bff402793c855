from django.urls import path

from units import views

app_name = "units"

urlpatterns = [
    path("xac-thuc/", views.two_factor_verify, name="two_factor_verify"),
    path("bao-mat/", views.account_security, name="account_security"),
    path("bao-mat/thiet-lap/", views.two_factor_setup, name="two_factor_setup"),
    path("bao-mat/ma-du-phong/", views.recovery_codes_new, name="recovery_codes_new"),
    path("bao-mat/tat/", views.two_factor_disable, name="two_factor_disable"),
]
