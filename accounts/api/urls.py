from django.urls import path

from accounts.api import views

urlpatterns = [
    path("api-keys", views.ApiKeyCollectionApi.as_view(), name="api-key-list"),
    path("api-keys/<int:key_id>", views.ApiKeyDetailApi.as_view(), name="api-key-detail"),
    path("profile", views.ProfileApi.as_view(), name="profile"),
]
