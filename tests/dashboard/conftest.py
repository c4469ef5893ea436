"""Users of the dashboard tests; the counties they look at (`home`, `away`) are in tests/worlds.py."""
import pytest

from accounts.roles import Role
from tests.factories import make_user


@pytest.fixture
def viewer(xianan):
    return make_user("county-viewer", role=Role.VIEWER, region=xianan)


@pytest.fixture
def city_viewer(xianning):
    return make_user("city-viewer", role=Role.VIEWER, region=xianning)
