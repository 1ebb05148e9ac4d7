from django.urls import path

from market.api import views

urlpatterns = [
    path("instruments", views.InstrumentListApi.as_view(), name="api-instrument-list"),
    path(
        "instruments/<str:symbol>",
        views.InstrumentDetailApi.as_view(),
        name="api-instrument-detail",
    ),
    path(
        "instruments/<str:symbol>/ticker", views.TickerApi.as_view(), name="api-instrument-ticker"
    ),
    path(
        "instruments/<str:symbol>/candles",
        views.CandleListApi.as_view(),
        name="api-instrument-candles",
    ),
    path(
        "instruments/<str:symbol>/indicators",
        views.IndicatorApi.as_view(),
        name="api-instrument-indicators",
    ),
    path(
        "instruments/<str:symbol>/sentiment",
        views.SentimentApi.as_view(),
        name="api-instrument-sentiment",
    ),
]
