"""Follow and unfollow: the page's script gets the button as it is now, a plain form post
goes back where it came from."""

from __future__ import annotations

from community.models import Follow


def test_the_script_gets_the_unfollow_button_after_following(fetch_for, employee, open_space):
    response = fetch_for(employee)(f"/follow/space/{open_space.slug}/", {"next": "/spaces/"})
    assert response.status_code == 200 and response["X-Fragment"] == "1"
    html = response.content.decode()
    assert f'action="/unfollow/space/{open_space.slug}/"' in html
    assert "Unfollow" in html and "1 follower" in html
    assert 'name="next" value="/spaces/"' in html  # the page it sits on, not /follow/...
    assert 'name="csrfmiddlewaretoken" value=""' not in html
    assert Follow.objects.filter(user=employee, space=open_space).exists()


def test_the_script_gets_the_follow_button_after_unfollowing(fetch_for, employee, open_space):
    post = fetch_for(employee)
    post(f"/follow/space/{open_space.slug}/")
    response = post(f"/unfollow/space/{open_space.slug}/", {"next": "/spaces/"})
    assert response.status_code == 200 and response["X-Fragment"] == "1"
    html = response.content.decode()
    assert f'action="/follow/space/{open_space.slug}/"' in html and "0 followers" in html
    assert not Follow.objects.filter(user=employee).exists()


def test_a_plain_follow_still_goes_back(client_for, employee, open_space):
    response = client_for(employee).post("/follow/person/editor/", {"next": "/people/editor/"})
    assert response.status_code == 302 and response["Location"] == "/people/editor/"
    assert "X-Fragment" not in response


def test_an_outsider_cannot_follow_a_members_only_space_through_the_script(
    fetch_for, outsider, private_space
):
    response = fetch_for(outsider)(f"/follow/space/{private_space.slug}/")
    assert response.status_code == 404 and "X-Fragment" not in response
    assert not Follow.objects.exists()


def test_anonymous_following_is_sent_to_log_in(fetch_for, open_space):
    response = fetch_for(None)(f"/follow/space/{open_space.slug}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_following_and_unfollowing_refuse_get(client_for, employee, open_space):
    client = client_for(employee)
    assert client.get(f"/follow/space/{open_space.slug}/").status_code == 405
    assert client.get(f"/unfollow/space/{open_space.slug}/").status_code == 405
