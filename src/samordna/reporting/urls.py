from django.urls import path

from samordna.reporting import measure_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("codes/", views.procedure_codes, name="codes"),
    path("codes/codes.csv", views.procedure_codes_csv, name="codes-csv"),
    path("waiting/", measure_views.waiting, name="waiting"),
    path("waiting/table.csv", measure_views.waiting_csv, name="waiting-csv"),
    path("counts/", measure_views.counts, name="counts"),
    path("counts/table.csv", measure_views.counts_csv, name="counts-csv"),
    path("<slug:indicator>/", views.indicator, name="indicator"),
    path("<slug:indicator>/table.csv", views.indicator_csv, name="indicator-csv"),
]
