from django.urls import path

from samordna.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.review, name="review"),
    path("export.csv", views.export, name="export"),
]
