from django.urls import path

from market import views

urlpatterns = [
    path("markets/", views.market_list, name="markets"),
    path("markets/live/", views.market_list_live, name="markets_live"),
    path("markets/options/", views.option_chain_index, name="option_chain_index"),
    path("markets/options/<str:underlying>/", views.option_chain, name="option_chain"),
    path(
        "markets/options/<str:underlying>/live/",
        views.option_chain_live,
        name="option_chain_live",
    ),
]
