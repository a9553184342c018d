"""dashboard/views/core.py favicon: /favicon.ico leads to the site's static icon."""

import pytest


@pytest.mark.django_db
def test_it_redirects_favicon_ico_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO directory with one icon
    assert 'rel="icon" href="/static/dashboard/favicon.ico"' in client.get("/").content.decode()
