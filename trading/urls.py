from django.urls import path

from trading import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/live/", views.dashboard_live, name="dashboard_live"),
    path("dashboard/activity/", views.dashboard_activity, name="dashboard_activity"),
    path("dashboard/ledger/", views.dashboard_ledger, name="dashboard_ledger"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("settings/reset/", views.account_reset, name="account_reset"),
    path("history/", views.history, name="history"),
    path("history/<str:table>/", views.history, name="history_table"),
    path("history/<str:table>/export.csv", views.history_export, name="history_export"),
    path("positions/<str:symbol>/", views.position_detail, name="position_detail"),
    path("positions/<str:symbol>/live/", views.position_detail_live, name="position_detail_live"),
    path("trade/", views.trade_index, name="trade_index"),
    path("staff/health/", views.staff_health, name="staff_health"),
    path("trade/<str:symbol>/", views.trade, name="trade"),
    path("trade/<str:symbol>/market/", views.trade_market, name="trade_market"),
    path("trade/<str:symbol>/account/", views.trade_account, name="trade_account"),
]
