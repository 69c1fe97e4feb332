from django.urls import path

from samordna.discharge import views

app_name = "discharge"
urlpatterns = [
    path("new/", views.register, name="register"),
    path("notices/", views.notices, name="notices"),
    path("liability.csv", views.liability_csv, name="liability-csv"),
    path("<int:pk>/", views.stay, name="stay"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/admission-notice/", views.admission, name="admission"),
    path("<int:pk>/expected-discharge/", views.expected, name="expected"),
    path("<int:pk>/ready-notice/", views.ready, name="ready"),
    path("<int:pk>/discharge-notice/", views.discharge, name="discharge"),
    path("<int:pk>/unavailable/", views.unavailable, name="unavailable"),
    path("<int:pk>/planning-basis/", views.planning_basis, name="planning-basis"),
    path("<int:pk>/care-contact/", views.care_contact, name="care-contact"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/sip-declined/", views.sip_declined, name="sip-declined"),
    path("<int:pk>/death/", views.death, name="death"),
    path("<int:pk>/information/", views.information, name="information"),
    path("<int:pk>/deliveries/<int:delivery_pk>/acknowledge/", views.acknowledge, name="ack"),
]
