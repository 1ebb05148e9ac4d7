from django.urls import path

from trading.api import views

urlpatterns = [
    path("account", views.AccountDetailApi.as_view(), name="api-account"),
    path("account/reset", views.AccountResetApi.as_view(), name="api-account-reset"),
    path("account/ledger", views.LedgerListApi.as_view(), name="api-account-ledger"),
]
