from django.urls import path

from samordna.sip.views import assessment as assessment_views
from samordna.sip.views import case as case_views
from samordna.sip.views import cases_list
from samordna.sip.views import consent as consent_views
from samordna.sip.views import home_care as home_care_views
from samordna.sip.views import invitation_answers as answer_views
from samordna.sip.views import invitations as invitation_views
from samordna.sip.views import meetings as meeting_views
from samordna.sip.views import plan as plan_views
from samordna.sip.views import plan_follow_up as follow_up_views
from samordna.sip.views import svp as svp_views

app_name = "sip"
urlpatterns = [
    path("", cases_list.cases, name="cases"),
    path("new/", case_views.open_case, name="open"),
    path("<int:pk>/", case_views.case, name="case"),
    path("<int:pk>/consent/", consent_views.consent, name="consent"),
    path("<int:pk>/consent/amend/", consent_views.amend_consent, name="amend-consent"),
    path("<int:pk>/consent/withdraw/", consent_views.withdraw_consent, name="withdraw-consent"),
    path("<int:pk>/coordinator/", case_views.change_coordinator, name="coordinator"),
    path("<int:pk>/coordinator-wish/", case_views.coordinator_wish, name="coordinator-wish"),
    path("<int:pk>/close/", case_views.close, name="close"),
    path("<int:pk>/link-stay/", case_views.link_stay, name="link-stay"),
    # SIP-16: the coordinated care plan for ÖPT/ÖRV.
    path("<int:pk>/svp/details/", svp_views.details, name="svp-details"),
    path("<int:pk>/svp/objection/", svp_views.objection, name="svp-objection"),
    path("<int:pk>/svp/exchanges/", svp_views.exchange, name="svp-exchange"),
    path("<int:pk>/assessment/", assessment_views.assessment, name="assessment"),
    # ORG-6, SIP-24: home health care decisions and self-care assessments.
    path("<int:pk>/home-care/", home_care_views.decide, name="home-care"),
    path("<int:pk>/home-care/contact/", home_care_views.name_contact, name="home-care-contact"),
    path(
        "<int:pk>/plans/<int:number>/self-care/",
        home_care_views.assess_self_care,
        name="self-care",
    ),
    path("<int:pk>/invite/", invitation_views.invite, name="invite"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/change/",
        invitation_views.change,
        name="change-invitation",
    ),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/cancel/",
        invitation_views.cancel,
        name="cancel-invitation",
    ),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/record/",
        meeting_views.record_meeting,
        name="record-meeting",
    ),
    path("invitations/", answer_views.invitations, name="invitations"),
    path("invitations/<int:delivery_pk>/ack/", answer_views.ack, name="ack"),
    path("invitations/<int:delivery_pk>/answer/", answer_views.answer, name="answer"),
    path("invitations/<int:delivery_pk>/forward/", answer_views.forward, name="forward"),
    path("<int:pk>/plans/new/", plan_views.start_version, name="plan-new"),
    path("<int:pk>/plans/compare/", plan_views.compare_versions, name="plan-compare"),
    path("<int:pk>/plans/<int:number>/", plan_views.version, name="plan-version"),
    path("<int:pk>/plans/<int:number>/edit/", plan_views.edit, name="plan-edit"),
    path(
        "<int:pk>/plans/<int:number>/documented/",
        follow_up_views.documented,
        name="plan-documented",
    ),
    path(
        "<int:pk>/plans/<int:number>/handed-over/",
        follow_up_views.handed_over,
        name="plan-handed-over",
    ),
    path(
        "<int:pk>/plans/<int:number>/follow-up/",
        follow_up_views.follow_up,
        name="follow-up-comment",
    ),
    path("<int:pk>/plans/<int:number>/evaluation/", follow_up_views.evaluate, name="evaluate"),
    path("<int:pk>/for-the-individual/", plan_views.for_individual, name="for-individual"),
]
