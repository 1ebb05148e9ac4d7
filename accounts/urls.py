from django.urls import path

from accounts import views

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("settings/profile/", views.profile_update, name="profile_update"),
    path("settings/api-keys/", views.api_key_create, name="api_key_create"),
    path("settings/api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
]
