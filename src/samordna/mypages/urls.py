from django.urls import path

from samordna.mypages import views, views_login, views_own

app_name = "mypages"
urlpatterns = [
    path("", views.home, name="home"),
    path("logga-in/", views_login.login, name="login"),
    path("logga-in/<slug:name>/", views_login.start, name="oidc-start"),
    path("logga-in/<slug:name>/klar/", views_login.callback, name="oidc-callback"),
    path("logga-ut/", views_login.logout, name="logout"),
    path("plan/", views.plan, name="plan"),
    path("plan/<int:number>/", views.plan, name="plan-version"),
    path("plan/<int:number>/kommentar/", views.comment, name="comment"),
    path("moten/", views.meetings, name="meetings"),
    path("moten/<int:meeting_pk>.ics", views.meeting_calendar, name="meeting-calendar"),
    path("moten/<int:meeting_pk>/kan-inte-komma/", views.decline, name="decline"),
    path("moten/<int:meeting_pk>/forbered/", views.prepare, name="prepare"),
    path("samtycke/", views.consents, name="consents"),
    path("samtycke/aterkalla/", views.withdraw, name="withdraw"),
    # Issue 15 items 3-5 (mypages/views_own.py).
    path("vems-sidor/", views_own.choose, name="choose"),
    path("vem-har-last/", views_own.access_log, name="access-log"),
    path("aviseringar/", views_own.notifications, name="notifications"),
]
