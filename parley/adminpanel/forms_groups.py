"""Forms of the Groups admin pages. The name rules (length, characters, unique in any case)
live in parley.groups.services."""

from django import forms

from parley.groups.services import DESCRIPTION_MAX_LENGTH


class GroupSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=255, strip=True)


class GroupForm(forms.Form):
    # Plain text here: clean_group_name gives the precise refusal.
    name = forms.CharField(max_length=1000, strip=True)
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AddMemberForm(forms.Form):
    user = forms.CharField(
        max_length=255,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "User ID or email address"}),
        error_messages={"required": "Enter a user ID or email address."},
    )
