from django.urls import path

from samordna.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/death/", views.death, name="death"),
    path("<int:pk>/relatives/", views.add_relative, name="add-relative"),
    path("<int:pk>/relatives/<int:item>/remove/", views.remove_relative, name="remove-relative"),
    path("<int:pk>/representatives/", views.add_representative, name="add-representative"),
    path(
        "<int:pk>/representatives/<int:item>/remove/",
        views.remove_representative,
        name="remove-representative",
    ),
]
