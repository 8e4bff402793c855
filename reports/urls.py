from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("bao-cao/xac-minh/", views.pdf_verify, name="pdf_verify"),
]
