"""The individual's forms: short texts only, each with its limit (``validation.Form`` refuses
NUL and strips). The services check the same limits again for any other caller."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samordna.mypages.models import COMMENT_MAX, MATTERS_MAX, QUESTIONS_MAX, REASON_MAX
from samordna.validation import Form


class DeclineForm(Form):
    reason = forms.CharField(
        label=_("Why can't you come? (you do not have to say)"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("At most 300 characters."),
    )


class PrepareForm(Form):
    what_matters = forms.CharField(
        label=_("What matters most to me"),
        max_length=MATTERS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "In your own words: what you want your life to be like, what you want help with. "
            "At most 1000 characters."
        ),
    )
    questions = forms.CharField(
        label=_("Questions I want raised at the meeting"),
        max_length=QUESTIONS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most 1000 characters."),
    )
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class CommentForm(Form):
    action = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("My comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How has it gone? At most 1000 characters."),
    )


class WithdrawForm(Form):
    consent = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Anything you want to say (you do not have to)"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("At most 300 characters."),
    )
