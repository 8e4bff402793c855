from django.urls import path

from reports.views import documents, drafting, listing, review

app_name = "reports"

urlpatterns = [
    path("bao-cao/", listing.report_list, name="report_list"),
    path("bao-cao/lap/", listing.report_create, name="report_create"),
    path("bao-cao/dot-xuat/", listing.adhoc_create, name="adhoc_create"),
    path("bao-cao/lich/", listing.schedule_edit, name="schedule_edit"),
    path("bao-cao/xac-minh/", documents.pdf_verify, name="pdf_verify"),
    path("bao-cao/<int:pk>/", documents.report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/sua/", drafting.report_edit, name="report_edit"),
    path("bao-cao/<int:pk>/trinh/", drafting.report_submit, name="report_submit"),
    path("bao-cao/<int:pk>/phe-duyet/", review.report_review, name="report_review"),
    path("bao-cao/<int:pk>/phe-duyet/dong-y/", review.report_approve, name="report_approve"),
    path("bao-cao/<int:pk>/phe-duyet/tra-lai/", review.report_return, name="report_return"),
    path("bao-cao/<int:pk>/tao-lai-tep/", documents.report_retry, name="report_retry"),
    path("bao-cao/<int:pk>/thay-the/", drafting.report_correct, name="report_correct"),
    path("bao-cao/<int:pk>/huy/", drafting.report_discard, name="report_discard"),
    path("bao-cao/<int:pk>/gui/", documents.report_dispatch, name="report_dispatch"),
    path("bao-cao/<int:pk>/tai/<str:fmt>/", documents.report_download, name="report_download"),
]
