from django.urls import path

from directives import views

app_name = "directives"

urlpatterns = [
    path("van-ban/", views.directive_list, name="directive_list"),
    path("van-ban/<int:pk>/", views.directive_detail, name="directive_detail"),
    path("viec-cua-don-vi/", views.my_assignments, name="my_assignments"),
    path("nhiem-vu/<int:pk>/", views.assignment_detail, name="assignment_detail"),
]
