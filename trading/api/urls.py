from django.urls import path

from trading.api import views

urlpatterns = [
    path("account", views.AccountDetailApi.as_view(), name="api-account"),
    path("account/reset", views.AccountResetApi.as_view(), name="api-account-reset"),
    path("account/ledger", views.LedgerListApi.as_view(), name="api-account-ledger"),
    path("account/equity", views.EquityCurveApi.as_view(), name="api-account-equity"),
    path("notifications", views.NotificationListApi.as_view(), name="api-notifications"),
    path(
        "notifications/read-all",
        views.NotificationReadAllApi.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/<int:notification_id>/read",
        views.NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
    path("ledger", views.LedgerCursorListApi.as_view(), name="api-ledger"),
    path("orders", views.OrderCollectionApi.as_view(), name="api-orders"),
    path("orders/preview", views.OrderPreviewApi.as_view(), name="api-orders-preview"),
    path("orders/oco", views.OcoCollectionApi.as_view(), name="api-orders-oco"),
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
    path(
        "positions/<str:symbol>/margin-mode",
        views.PositionMarginModeApi.as_view(),
        name="api-position-margin-mode",
    ),
    path(
        "positions/<str:symbol>/margin",
        views.PositionIsolatedMarginApi.as_view(),
        name="api-position-margin",
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
