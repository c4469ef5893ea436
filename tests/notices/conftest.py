import pytest

from accounts.roles import Role
from tests.factories import make_user


@pytest.fixture
def people(world):
    """The world's users with mail addresses, plus the away county's admin (who must never be told of home)."""
    users = world.users
    for user in users.values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    users["away_admin"] = make_user("away_admin", role=Role.REGION_ADMIN, region=world.away.region,
                                    email="away_admin@example.org")
    return users
