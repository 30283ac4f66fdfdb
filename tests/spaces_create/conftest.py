"""Colleagues with names to invite (Emma Wagner reads German, Ben Koch English) and a
switch for who may create spaces. The browser fixtures of tests/e2e/ are shared here for
this folder's one browser flow."""

from __future__ import annotations

import pytest

from intranet.models import SpaceCreationSettings, SpaceCreators
from profiles.models import Profile
from tests.factories import UserFactory


def _person(username: str, first: str, last: str, language: str):
    user = UserFactory(username=username, first_name=first, last_name=last)
    Profile.objects.filter(user=user).update(preferred_language=language)
    return user


@pytest.fixture
def emma(db):
    return _person("ewagner", "Emma", "Wagner", "de")


@pytest.fixture
def ben(db):
    return _person("bkoch", "Ben", "Koch", "en")


@pytest.fixture
def creators():
    """`creators(who, group=None)`: save who may create spaces."""

    def save(who: str, group=None) -> SpaceCreationSettings:
        setting = SpaceCreationSettings.load()
        setting.who, setting.group = SpaceCreators(who), group
        setting.save()
        return setting

    return save
