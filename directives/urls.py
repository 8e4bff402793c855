from django.urls import path

from directives.views import (
    dashboard,
    extensions,
    followup,
    pages,
    progress,
    registration,
    search,
)

app_name = "directives"

urlpatterns = [
    path("van-ban/", pages.directive_list, name="directive_list"),
    path("van-ban/<int:pk>/", pages.directive_detail, name="directive_detail"),
    path("viec-cua-don-vi/", pages.my_assignments, name="my_assignments"),
    path("nhiem-vu/<int:pk>/", pages.assignment_detail, name="assignment_detail"),
    path("nhiem-vu/<int:pk>/cap-nhat/", progress.update_create, name="update_create"),
    path("nhiem-vu/<int:pk>/gia-han/", extensions.extension_request, name="extension_request"),
    path("minh-chung/<int:pk>/", progress.evidence_download, name="evidence_download"),
    path("minh-chung/<int:pk>/go-bo/", progress.evidence_remove, name="evidence_remove"),
    path("xem-xet/", progress.review_queue, name="review_queue"),
    path("cap-nhat/<int:pk>/xem-xet/", progress.update_review, name="update_review"),
    path("gia-han/", extensions.extension_list, name="extension_list"),
    path("gia-han/<int:pk>/", extensions.extension_decide, name="extension_decide"),
    path("tim-kiem/", search.search, name="search"),
]

# Registering directives from their document or by hand, and editing them.
urlpatterns += [
    path("van-ban/moi/", registration.directive_create, name="directive_create"),
    path("van-ban/<int:pk>/sua/", registration.directive_edit, name="directive_edit"),
    path("van-ban/<int:pk>/tep-goc/", registration.directive_file, name="directive_file"),
    path("van-ban/nhap/", registration.document_upload, name="document_upload"),
    path("van-ban/nhap/<int:pk>/", registration.document_review, name="document_review"),
    path("van-ban/nhap/<int:pk>/doc-lai/", registration.document_retry, name="document_retry"),
    path("van-ban/nhap/<int:pk>/huy/", registration.document_discard, name="document_discard"),
    path("van-ban/nhap/<int:pk>/tep/", registration.document_file, name="document_file"),
    path(
        "van-ban/nhap/<int:pk>/trang/<int:page>/",
        registration.document_page,
        name="document_page",
    ),
]

urlpatterns += [
    path("bang-theo-doi/", dashboard.dashboard_view, name="dashboard"),
    path("bang-theo-doi/phan-cong/", dashboard.dashboard_assignments, name="dashboard_assignments"),
    path("kho-khan/", followup.concern_list, name="concern_list"),
    path("kho-khan/<int:pk>/", followup.concern_detail, name="concern_detail"),
    path("don-doc/", followup.urge_units, name="urge_units"),
    path(
        "nhiem-vu/<int:pk>/giai-trinh/",
        followup.explanation_request,
        name="explanation_request",
    ),
    path("giai-trinh/<int:pk>/", followup.explanation_detail, name="explanation_detail"),
    path("van-ban/<int:pk>/nhap-excel/", followup.import_upload, name="import_upload"),
    path("nhap-excel/<int:pk>/", followup.import_detail, name="import_detail"),
    path("nhap-excel/<int:pk>/ap-dung/", followup.import_apply, name="import_apply"),
    path("nhap-excel/<int:pk>/thu-lai/", followup.import_retry, name="import_retry"),
]
