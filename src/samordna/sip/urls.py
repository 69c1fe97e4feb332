from django.urls import path

from samordna.sip import views, views_meetings, views_plan

app_name = "sip"
urlpatterns = [
    path("new/", views.open_case, name="open"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/consent/", views.consent, name="consent"),
    path("<int:pk>/consent/withdraw/", views.withdraw_consent, name="withdraw-consent"),
    path("<int:pk>/coordinator/", views.change_coordinator, name="coordinator"),
    path("<int:pk>/close/", views.close, name="close"),
    *views_meetings.urlpatterns,
    *views_plan.urlpatterns,
]
