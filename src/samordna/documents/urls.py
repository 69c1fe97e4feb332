from django.urls import path

from samordna.documents import views

app_name = "documents"
urlpatterns = [
    path("sip/<int:pk>/plan.pdf", views.plan, name="plan"),
    path("sip/<int:pk>/consent.pdf", views.consent, name="consent"),
    path("sip/<int:pk>/svp-court.pdf", views.svp_court, name="svp-court"),  # SIP-16
    path(
        "sip/<int:pk>/meetings/<int:meeting_pk>/letters/<int:participant_pk>.pdf",
        views.letter,
        name="letter",
    ),
    path(
        "sip/<int:pk>/meetings/<int:meeting_pk>.ics",
        views.meeting_calendar,
        name="meeting-calendar",
    ),
    path(
        "stays/<int:pk>/discharge-information.pdf",
        views.discharge_information,
        name="discharge-information",
    ),
    path("deviations/<int:pk>.pdf", views.deviation, name="deviation"),
    path("blank/<slug:slug>.pdf", views.blank_form, name="blank"),
]
