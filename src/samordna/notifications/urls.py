from django.urls import path

from samordna.notifications import views

app_name = "notifications"
urlpatterns = [path("", views.settings, name="settings")]
