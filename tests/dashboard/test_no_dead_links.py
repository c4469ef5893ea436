"""No dead ends: every link a page offers a role leads somewhere that role may go (issue 19: a unit's link to its
own region was a 404)."""
import re

import pytest

pytestmark = pytest.mark.django_db
START = ["/", "/tasks/", "/findings/", "/warnings/", "/regions/", "/tasks/mine/"]
SKIP = ("/accounts/logout", "/admin/", "/api/", "/static/", "/ledger/export/")


@pytest.mark.parametrize("role", ["region_admin", "group_member", "unit", "viewer", "superuser"])
def test_every_link_on_the_pages_of_a_role_opens(client, world, role):
    user = world.users[role]
    client.force_login(user)
    pages = [f"/organizations/{world.home.organization.pk}/", f"/rounds/{world.home.round.pk}/", *START]
    seen, broken = set(), []
    for url in pages:
        response = client.get(url, follow=True)
        if response.status_code != 200:
            continue  # a page the navigation does not offer this role (checked by the access matrix)
        for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            if href in seen or href.startswith(SKIP):
                continue
            seen.add(href)
            status = client.get(href, follow=True).status_code
            if status != 200:
                broken.append((url, href, status))
    assert seen and not broken, broken
