from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("thong-bao/", views.notification_list, name="notification_list"),
    path("thong-bao/<int:pk>/da-doc/", views.notification_read, name="notification_read"),
    path("thong-bao/doc-tat-ca/", views.notification_read_all, name="notification_read_all"),
    path("thong-bao/cai-dat/", views.preferences, name="preferences"),
    path("nhiem-vu/<int:pk>/nhac-viec/", views.assignment_reminders, name="assignment_reminders"),
    path("nhac-viec/nhat-ky/", views.delivery_log, name="delivery_log"),
    path("nhac-viec/nhat-ky/<int:pk>/gui-lai/", views.delivery_retry, name="delivery_retry"),
    path("nhac-viec/chinh-sach/", views.policy_edit, name="policy_default"),
    path(
        "nhac-viec/chinh-sach/van-ban/<int:pk>/",
        views.policy_edit,
        {"scope": "directive"},
        name="policy_directive",
    ),
    path(
        "nhac-viec/chinh-sach/nhiem-vu/<int:pk>/",
        views.policy_edit,
        {"scope": "task"},
        name="policy_task",
    ),
]
