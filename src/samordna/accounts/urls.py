from django.urls import path

from samordna.accounts import otp_views, throttle, views, views_oidc

app_name = "accounts"
urlpatterns = [
    path("login/", throttle.LoginView.as_view(), name="login"),
    path("logout/", views_oidc.LogoutView.as_view(), name="logout"),
    path("login/oidc/<slug:name>/", views_oidc.start, name="oidc-start"),
    path("login/oidc/<slug:name>/callback/", views_oidc.callback, name="oidc-callback"),
    path("unit/", views.choose_unit, name="choose-unit"),
    path("login/code/", otp_views.code, name="otp-code"),
    path("login/code/setup/", otp_views.setup, name="otp-setup"),
    path("account/second-factor/reset/", otp_views.reset, name="otp-reset"),
]
