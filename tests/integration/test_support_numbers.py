"""Support request numbers under a real race: two applications (as two gateway processes would) open requests
of one account at once on the same event store; every number is taken once, and none is skipped."""

from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

from domain.application import Portal
from workers.config import Settings, event_store_env


def test_requests_opened_at_once_in_two_processes_take_each_number_once(settings: Settings, portal: Portal):
    account_id, _, _ = portal.open_account(f"{uuid4().hex}@support.test", "Sue Support", "not-a-hash")
    customer_number = portal.account(account_id).customer_number
    others = [Portal(env=event_store_env(settings.database_url)) for _ in range(2)]

    def open_one(app: Portal) -> str:
        return app.open_support_request(account_id, "Race", "other", "At once", "desk@support.test")[1]

    try:
        with ThreadPoolExecutor(8) as pool:
            numbers = list(pool.map(open_one, [others[i % 2] for i in range(16)]))
    finally:
        for app in others:
            app.close()

    assert sorted(numbers, key=lambda n: int(n.rpartition("-")[2])) == \
        [f"{customer_number}-{n}" for n in range(1, 17)]
