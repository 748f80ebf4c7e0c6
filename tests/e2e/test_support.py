"""Support requests through HTTP: the customer's requests and threads, the help desk's queue, who sees what,
the transitions, bad input; every step in the account's audit trail."""

import pytest

from projections.rebuild import verify
from projections.support import SUPPORT
from tests.e2e.api import PASSWORD, new_email, problem, sign_up
from tests.e2e.customers import new_customer, reseller_account
from tests.e2e.devices import device_of
from tests.e2e.people import Person, logged_in, staff_member
from tests.e2e.support import REQUEST, open_request, seen

QUEUE = "/v1/helpdesk/support/requests"


@pytest.fixture
async def help_desk(http, settings) -> Person:
    return await staff_member(http, settings, "help desk")


async def test_a_request_gets_a_number_and_shows_with_its_thread(http, account):
    opened = await open_request(http, account.token)

    listed = (await seen(http, account.token, "/v1/support/requests", opened["position"])).json()
    details = (await seen(http, account.token, f"/v1/support/requests/{opened['request_id']}",
                          opened["position"])).json()

    assert opened["number"] == f"{account.customer_number}-1"
    assert [(r["number"], r["status"], r["subject"]) for r in listed["items"]] == \
        [(opened["number"], "open", REQUEST["subject"])]
    assert listed["next_cursor"] is None
    assert [(m["author"], m["body"]) for m in details["thread"]] == [("customer", REQUEST["message"])]


async def test_the_list_pages_newest_first_and_filters_by_status(http, account):
    made = [await open_request(http, account.token, subject=f"Request {n}") for n in range(3)]
    closed = await http.patch(f"/v1/support/requests/{made[0]['request_id']}", json={"status": "closed"},
                              headers=account.auth)
    at = closed.json()["position"]

    first = (await seen(http, account.token, "/v1/support/requests", at, limit=2)).json()
    rest = (await seen(http, account.token, "/v1/support/requests", at, limit=2,
                       cursor=first["next_cursor"])).json()
    only_closed = (await seen(http, account.token, "/v1/support/requests", at, status="closed")).json()

    assert [r["subject"] for r in first["items"] + rest["items"]] == ["Request 2", "Request 1", "Request 0"]
    assert rest["next_cursor"] is None
    assert [r["request_id"] for r in only_closed["items"]] == [made[0]["request_id"]]


async def test_another_accounts_request_is_not_found(http, account):
    opened = await open_request(http, account.token)
    other = await sign_up(http)
    path = f"/v1/support/requests/{opened['request_id']}"

    problem(await seen(http, other.token, path, opened["position"]), 404)
    problem(await http.post(f"{path}/messages", json={"message": "Hi"}, headers=other.auth), 404)
    problem(await http.patch(path, json={"status": "closed"}, headers=other.auth), 404)
    assert (await seen(http, other.token, "/v1/support/requests", opened["position"])).json()["items"] == []


async def test_another_resellers_staff_neither_see_nor_answer_a_request(http, settings):
    admin = await staff_member(http, settings, "administrator")
    own, other = await reseller_account(http, admin.token), await reseller_account(http, admin.token)
    email = new_email()
    await new_customer(http, own.token, email=email, password=PASSWORD, welcome_email=False)
    opened = await open_request(http, (await logged_in(http, email)).token)
    path = f"{QUEUE}/{opened['request_id']}"

    theirs = (await seen(http, other.token, QUEUE, opened["position"])).json()["items"]
    mine = (await seen(http, own.token, QUEUE, opened["position"])).json()["items"]

    assert opened["request_id"] not in [r["request_id"] for r in theirs]
    assert [r["request_id"] for r in mine] == [opened["request_id"]]
    problem(await seen(http, other.token, path, opened["position"]), 404)
    problem(await http.post(f"{path}/messages", json={"message": "Hi"}, headers=other.auth), 404)
    problem(await http.patch(path, json={"status": "closed"}, headers=other.auth), 404)
    assert (await http.post(f"{path}/messages", json={"message": "Hi"}, headers=own.auth)).status_code == 200


async def test_the_queue_is_oldest_first_and_filters_by_account_status_and_age(http, account, help_desk):
    made = [await open_request(http, account.token, subject=f"Request {n}") for n in range(2)]
    answered = await http.post(f"{QUEUE}/{made[1]['request_id']}/messages", json={"message": "Fixed."},
                               headers=help_desk.auth)
    at = answered.json()["position"]

    every = (await seen(http, help_desk.token, QUEUE, at, account_id=account.account_id)).json()["items"]
    still_open = (await seen(http, help_desk.token, QUEUE, at, account_id=account.account_id, status="open")).json()
    aged = (await seen(http, help_desk.token, QUEUE, at, account_id=account.account_id, older_than_hours=1)).json()

    assert [(r["subject"], r["status"], r["account_id"]) for r in every] == \
        [("Request 0", "open", account.account_id), ("Request 1", "answered", account.account_id)]
    assert [r["subject"] for r in still_open["items"]] == ["Request 0"]
    assert aged["items"] == []


async def test_a_customer_closes_and_reopens_but_sets_no_other_status(http, account):
    opened = await open_request(http, account.token)
    path = f"/v1/support/requests/{opened['request_id']}"

    problem(await http.patch(path, json={"status": "answered"}, headers=account.auth), 422, "status")
    problem(await http.patch(path, json={"status": "open"}, headers=account.auth), 409, "status")  # not closed
    assert (await http.patch(path, json={"status": "closed"}, headers=account.auth)).status_code == 200
    problem(await http.post(f"{path}/messages", json={"message": "One more thing"}, headers=account.auth), 409,
            "status")
    reopened = await http.patch(path, json={"status": "open"}, headers=account.auth)
    written = await http.post(f"{path}/messages", json={"message": "One more thing"}, headers=account.auth)

    assert reopened.status_code == 200 and written.status_code == 200
    details = (await seen(http, account.token, path, written.json()["position"])).json()
    assert details["status"] == "open" and [m["body"] for m in details["thread"]][-1] == "One more thing"


async def test_staff_set_any_status(http, account, help_desk):
    opened = await open_request(http, account.token)
    path = f"{QUEUE}/{opened['request_id']}"

    changed = await http.patch(path, json={"status": "waiting_for_customer"}, headers=help_desk.auth)

    assert changed.status_code == 200, changed.text
    shown = (await seen(http, account.token, f"/v1/support/requests/{opened['request_id']}",
                        changed.json()["position"])).json()
    assert shown["status"] == "waiting_for_customer"
    problem(await http.patch(path, json={"status": "solved"}, headers=help_desk.auth), 422, "status")


async def test_every_step_is_in_the_accounts_audit_trail_naming_who(http, account, help_desk):
    opened = await open_request(http, account.token)
    path = f"{QUEUE}/{opened['request_id']}"
    await http.post(f"{path}/messages", json={"message": "Which version?", "status": "waiting_for_customer"},
                    headers=help_desk.auth)
    closed = await http.patch(path, json={"status": "closed"}, headers=help_desk.auth)

    trail = await http.get("/v1/audit", params={"aggregate": "support"},
                           headers={**account.auth, "X-Min-Position": str(closed.json()["position"])})

    steps = [(e["kind"], e["actor"]["name"]) for e in trail.json()["entries"]]
    assert steps == [("SupportCounterStarted", account.email), ("SupportNumberTaken", account.email),
                     ("SupportRequestOpened", account.email), ("SupportStaffAnswered", help_desk.email),
                     ("SupportStatusChanged", help_desk.email)]


async def test_customers_and_others_are_kept_out_of_the_queue(http, account):
    problem(await http.get(QUEUE, headers=account.auth), 403)
    problem(await http.get(QUEUE), 401)


async def test_a_request_about_an_own_client_and_session_names_them(http, account):
    device = await device_of(http, account)
    here, _ = await device.register()
    there, _ = await device.register()
    session_id, _ = await device.session(here, there)

    opened = await open_request(http, account.token, client_id=here, session_id=session_id)

    shown = (await seen(http, account.token, f"/v1/support/requests/{opened['request_id']}",
                        opened["position"])).json()
    assert (shown["client_id"], shown["session_id"]) == (here, session_id)


@pytest.mark.parametrize(("field", "body"), [
    ("message", {"message": "x" * 1_000_000}),
    ("message", {"message": "a\x00b"}),
    ("subject", {"subject": "a\x00b"}),
    ("category", {"category": "billing"}),
    ("client_id", {"client_id": "123456789"}),
    ("session_id", {"session_id": "no-such-session"}),
])
async def test_bad_input_names_its_field_and_changes_nothing(http, account, field, body):
    problem(await http.post("/v1/support/requests", json={**REQUEST, **body}, headers=account.auth), 422, field)

    opened = await open_request(http, account.token)  # the first number is still free: nothing was recorded
    listed = (await seen(http, account.token, "/v1/support/requests", opened["position"])).json()["items"]
    assert opened["number"] == f"{account.customer_number}-1" and len(listed) == 1


async def test_a_message_too_long_for_a_reply_names_its_field(http, account, help_desk):
    opened = await open_request(http, account.token)

    problem(await http.post(f"/v1/support/requests/{opened['request_id']}/messages",
                            json={"message": "x" * 1_000_000}, headers=account.auth), 422, "message")
    problem(await http.post(f"{QUEUE}/{opened['request_id']}/messages", json={"message": "x" * 10_001},
                            headers=help_desk.auth), 422, "message")


async def test_the_support_view_equals_its_rebuild_from_the_event_store(http, account, help_desk, pool, portal):
    opened = await open_request(http, account.token)
    await http.post(f"{QUEUE}/{opened['request_id']}/messages", json={"message": "Done."}, headers=help_desk.auth)

    assert await verify(pool, portal, SUPPORT) == []
