from django.urls import path

from samordna.discharge.views import collaboration as svu_collaboration_views
from samordna.discharge.views import liability as svu_liability_views
from samordna.discharge.views import notices as notices_views
from samordna.discharge.views import stays as stays_views

app_name = "discharge"
urlpatterns = [
    path("new/", stays_views.register, name="register"),
    path("notices/", notices_views.notices, name="notices"),
    path("liability/", svu_liability_views.liability, name="liability"),
    path("liability.csv", svu_liability_views.liability_csv, name="liability-csv"),
    path("<int:pk>/", stays_views.stay, name="stay"),
    path("<int:pk>/edit/", stays_views.edit, name="edit"),
    path("<int:pk>/admission-notice/", notices_views.admission, name="admission"),
    path("<int:pk>/expected-discharge/", notices_views.expected, name="expected"),
    path("<int:pk>/ready-notice/", notices_views.ready, name="ready"),
    path("<int:pk>/discharge-notice/", notices_views.discharge, name="discharge"),
    path("<int:pk>/unavailable/", svu_collaboration_views.unavailable, name="unavailable"),
    path("<int:pk>/planning-basis/", svu_collaboration_views.planning_basis, name="planning-basis"),
    path("<int:pk>/care-contact/", svu_collaboration_views.care_contact, name="care-contact"),
    path("<int:pk>/reply/", svu_collaboration_views.reply, name="reply"),
    path("<int:pk>/sip-declined/", svu_collaboration_views.sip_declined, name="sip-declined"),
    path("<int:pk>/death/", stays_views.death, name="death"),
    path("<int:pk>/information/", stays_views.information, name="information"),
    path(
        "<int:pk>/deliveries/<int:delivery_pk>/acknowledge/", notices_views.acknowledge, name="ack"
    ),
]
