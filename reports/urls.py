from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.report_list, name="report_list"),
    path("bao-cao/lap/", views.report_create, name="report_create"),
    path("bao-cao/dot-xuat/", views.adhoc_create, name="adhoc_create"),
    path("bao-cao/lich/", views.schedule_edit, name="schedule_edit"),
    path("bao-cao/xac-minh/", views.pdf_verify, name="pdf_verify"),
    path("bao-cao/<int:pk>/", views.report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/sua/", views.report_edit, name="report_edit"),
    path("bao-cao/<int:pk>/trinh/", views.report_submit, name="report_submit"),
    path("bao-cao/<int:pk>/phe-duyet/", views.report_review, name="report_review"),
    path("bao-cao/<int:pk>/phe-duyet/dong-y/", views.report_approve, name="report_approve"),
    path("bao-cao/<int:pk>/phe-duyet/tra-lai/", views.report_return, name="report_return"),
    path("bao-cao/<int:pk>/tao-lai-tep/", views.report_retry, name="report_retry"),
    path("bao-cao/<int:pk>/thay-the/", views.report_correct, name="report_correct"),
    path("bao-cao/<int:pk>/huy/", views.report_discard, name="report_discard"),
    path("bao-cao/<int:pk>/gui/", views.report_dispatch, name="report_dispatch"),
    path("bao-cao/<int:pk>/tai/<str:fmt>/", views.report_download, name="report_download"),
]
