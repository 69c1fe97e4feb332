from django.urls import path

from samordna.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("codes/", views.procedure_codes, name="codes"),
    path("codes/codes.csv", views.procedure_codes_csv, name="codes-csv"),
    path("<slug:indicator>/", views.indicator, name="indicator"),
    path("<slug:indicator>/table.csv", views.indicator_csv, name="indicator-csv"),
]
