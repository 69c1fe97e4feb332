from django.urls import path

from samordna.extracts import views

app_name = "extracts"
urlpatterns = [
    path(
        "persons/<int:pk>/register-extract.json",
        views.register_extract,
        {"form": "json"},
        name="register-json",
    ),
    path(
        "persons/<int:pk>/register-extract.pdf",
        views.register_extract,
        {"form": "pdf"},
        name="register-pdf",
    ),
]
