from django.urls import path

from trading.api import views

urlpatterns = [
    path("account", views.AccountDetailApi.as_view(), name="api-account"),
    path("account/reset", views.AccountResetApi.as_view(), name="api-account-reset"),
    path("account/ledger", views.LedgerListApi.as_view(), name="api-account-ledger"),
    path("ledger", views.LedgerCursorListApi.as_view(), name="api-ledger"),
    path("orders", views.OrderCollectionApi.as_view(), name="api-orders"),
    path("orders/<int:order_id>", views.OrderDetailApi.as_view(), name="api-order-detail"),
    path("positions", views.PositionListApi.as_view(), name="api-positions"),
    path("positions/<str:symbol>", views.PositionDetailApi.as_view(), name="api-position-detail"),
    path(
        "positions/<str:symbol>/close",
        views.PositionCloseApi.as_view(),
        name="api-position-close",
    ),
    path(
        "positions/<str:symbol>/leverage",
        views.PositionLeverageApi.as_view(),
        name="api-position-leverage",
    ),
    path("fills", views.FillListApi.as_view(), name="api-fills"),
    path(
        "instruments/<str:symbol>/orderbook",
        views.OrderBookApi.as_view(),
        name="api-instrument-orderbook",
    ),
    path(
        "instruments/<str:symbol>/trades",
        views.TradeListApi.as_view(),
        name="api-instrument-trades",
    ),
]
