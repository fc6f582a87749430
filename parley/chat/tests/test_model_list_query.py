"""The chat home's model list runs the ORM's own SQL through raw() (catalogue.py): it lists
exactly what the ORM query lists, for everyone, for a group's members and for others."""

import pytest

from parley.chat import catalogue
from parley.chat.models import ChatModel


def _orm(user) -> set[int]:
    return {m.pk for m in catalogue._allowed(ChatModel.objects.filter(enabled=True), user=user)}


@pytest.mark.django_db(transaction=True)
def test_the_model_list_matches_the_orm_query(provider_model, make_user, make_group):
    member, other = make_user(), make_user()
    open_model = provider_model("normal")
    restricted = provider_model("slow")
    catalogue.set_model_access(
        model=restricted, everyone=False, groups=[make_group("Research", member)]
    )
    switched_off = provider_model("tokens:3:0")
    ChatModel.objects.filter(pk=switched_off.pk).update(enabled=False)
    listed = {
        user: {m.pk for m in catalogue.available_models(user=user)} for user in (member, other)
    }
    assert listed[member] == _orm(member) == {open_model.pk, restricted.pk} | listed[other]
    assert listed[other] == _orm(other)
    assert restricted.pk not in listed[other] and switched_off.pk not in listed[member]
