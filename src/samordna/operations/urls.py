from django.urls import path

from samordna.operations import views

app_name = "operations"
urlpatterns = [
    path("downtime/", views.downtime, name="downtime"),
]
