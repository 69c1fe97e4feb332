from django.urls import path, re_path

from samordna.interop.fhir import views as fhir
from samordna.interop.fhir.kinds import KINDS
from samordna.interop.riv import views as riv

app_name = "interop"

urlpatterns = [
    path("riv/GetCarePlans/2", riv.get_care_plans, name="riv-getcareplans"),
    path("riv/schemas/<path:name>", riv.schema_file, name="riv-schema"),
    path("fhir/r4/metadata", fhir.metadata, name="fhir-metadata"),
    # Each resource type its own two routes (named fhir-<type>-search and fhir-<type>-read).
    *(
        route
        for kind in KINDS
        for route in (
            path(
                f"fhir/r4/{kind}", fhir.search, {"kind": kind}, name=f"fhir-{kind.lower()}-search"
            ),
            path(
                f"fhir/r4/{kind}/<str:pk>",
                fhir.read,
                {"kind": kind},
                name=f"fhir-{kind.lower()}-read",
            ),
        )
    ),
    path("fhir/r4/", fhir.unknown, name="fhir-base"),
    # [\s\S]: any rest, an encoded line break too (as the API's unknown_path).
    re_path(r"^fhir/r4/(?P<rest>[\s\S]*)\Z", fhir.unknown),
]
