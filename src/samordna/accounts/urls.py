from django.contrib.auth import views as auth_views
from django.urls import path

from samordna.accounts import views, views_oidc

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", views_oidc.LogoutView.as_view(), name="logout"),
    path("login/oidc/<slug:name>/", views_oidc.start, name="oidc-start"),
    path("login/oidc/<slug:name>/callback/", views_oidc.callback, name="oidc-callback"),
    path("unit/", views.choose_unit, name="choose-unit"),
]
