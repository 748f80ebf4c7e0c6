"""The tier's maximum of custom clients under a real race: two applications (as two gateway processes would)
create at once on the same event store, and only as many as the tier holds get through."""

from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

from domain.application import Portal
from domain.errors import CustomClientLimitReached
from workers.config import Settings, event_store_env

SETTINGS = {"name": "Race", "platform": "android", "direction": "incoming", "allow_install": True,
            "program_name": "Race Support", "public": False, "options": {}}


def test_concurrent_creations_in_two_processes_stop_at_the_maximum(settings: Settings, portal: Portal):
    account_id, _, _ = portal.open_account(f"{uuid4().hex}@quota.test", "Quinn Quota", "not-a-hash")
    portal.upgrade_license(account_id, "performance")
    for _ in range(17):  # Performance holds 20: three slots left for eight attempts
        portal.create_custom_client(account_id, **SETTINGS)
    others = [Portal(env=event_store_env(settings.database_url)) for _ in range(2)]

    def attempt(app: Portal) -> str:
        try:
            app.create_custom_client(account_id, **SETTINGS)
        except CustomClientLimitReached:
            return "refused"
        return "created"

    try:
        with ThreadPoolExecutor(8) as pool:
            outcomes = list(pool.map(attempt, [others[i % 2] for i in range(8)]))
    finally:
        for app in others:
            app.close()

    assert sorted(outcomes) == ["created"] * 3 + ["refused"] * 5
