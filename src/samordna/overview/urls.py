from django.urls import path

from samordna.overview import views

app_name = "overview"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("counts/", views.counts, name="counts"),
]
