"""Reactions: toggling, who reacted, and who may react at all."""

from __future__ import annotations

from django.urls import reverse

from blogs import actions
from blogs.models import Reaction


def react_url(post) -> str:
    return reverse("blogs:react", args=[post.pk])


def test_a_reader_reacts_and_reacting_again_takes_it_back(client_for, reader, open_post):
    client = client_for(reader)
    response = client.post(react_url(open_post), {"kind": "idea"})
    assert response.status_code == 302
    assert response["Location"] == f"{open_post.url}#reactions"
    assert list(Reaction.objects.values_list("user", "kind")) == [(reader.pk, "idea")]
    client.post(react_url(open_post), {"kind": "idea"})
    assert not Reaction.objects.exists()


def test_different_reactions_by_one_person_are_kept_apart(reader, open_post):
    assert actions.react(open_post, reader, "like") is True
    assert actions.react(open_post, reader, "love") is True
    assert Reaction.objects.filter(user=reader).count() == 2


def test_the_post_shows_who_reacted(client_for, reader, editor, open_post):
    actions.react(open_post, reader, "like")
    body = client_for(editor).get(open_post.url).content.decode()
    assert "Who reacted" in body
    assert "Rita Reader" in body
    summary = {r["kind"]: r for r in Reaction.summary_for(open_post, reader)}
    assert summary["like"]["count"] == 1 and summary["like"]["mine"]
    assert summary["love"]["count"] == 0


def test_reacting_refuses_get(client_for, reader, open_post):
    assert client_for(reader).get(react_url(open_post)).status_code == 405


def test_an_outsider_cannot_react_to_a_members_only_post(client_for, outsider, private_post):
    response = client_for(outsider).post(react_url(private_post), {"kind": "like"})
    assert response.status_code == 404
    assert not Reaction.objects.exists()


def test_an_unknown_reaction_is_a_400(client_for, reader, open_post):
    response = client_for(reader).post(react_url(open_post), {"kind": "💩"})
    assert response.status_code == 400
    assert not Reaction.objects.exists()
