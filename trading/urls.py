from django.urls import path

from trading import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("settings/reset/", views.account_reset, name="account_reset"),
]
