from django.urls import path

from samordna.deviations import views

app_name = "deviations"
urlpatterns = [
    path("", views.register, name="list"),
    path("new/", views.new, name="new"),
    path("deviations.csv", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("<int:pk>/handle/", views.handle, name="handle"),
]
