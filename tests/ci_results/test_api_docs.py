"""The API documentation page works on a closed network: no CDN, only local static files."""

import re

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_it_serves_the_api_docs_from_local_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not served by this site"
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is missing"
