import pytest


@pytest.mark.django_db
def test_it_renders_a_site_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Not found" in html
    assert 'class="site-nav"' in html  # looks like the rest of the site


def test_it_renders_a_site_500(rf):
    from dashboard.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert 'class="site-nav"' in response.content.decode()
