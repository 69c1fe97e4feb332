from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from samordna.api.api import api, unknown_path
from samordna.operations.views import health, live, ready, scrape

admin.site.site_header = _("Samordna administration")
admin.site.site_title = _("Samordna")
admin.site.index_title = _("Organisation data")


def home(request: HttpRequest) -> HttpResponse:
    """A unit's day starts at its overview of everything due (BOX-1)."""
    return redirect("overview:overview")


urlpatterns = [
    path("", home, name="home"),
    path("health", health, name="health"),
    path("health/live", live, name="health-live"),
    path("health/ready", ready, name="health-ready"),
    path("metrics", scrape, name="metrics"),
    path("", include("samordna.accounts.urls")),
    path("persons/", include("samordna.people.urls")),
    path("sip/", include("samordna.sip.urls")),
    path("stays/", include("samordna.discharge.urls")),
    path("overview/", include("samordna.overview.urls")),
    path("messages/", include("samordna.messaging.urls")),
    path("deviations/", include("samordna.deviations.urls")),
    path("notifications/", include("samordna.notifications.urls")),
    path("documents/", include("samordna.documents.urls")),
    path("extracts/", include("samordna.extracts.urls")),
    path("operations/", include("samordna.operations.urls")),
    path("log/", include("samordna.audit.urls")),
    path("reports/", include("samordna.reporting.urls")),
    path("mina-sidor/", include("samordna.mypages.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("samordna.interop.urls")),
    # [\s\S], not ".": a path with an encoded line break (%0A) is the API's too (issue 17).
    re_path(r"^api/v1/(?P<rest>[\s\S]*)\Z", unknown_path),
    path("i18n/", include("django.conf.urls.i18n")),
]
