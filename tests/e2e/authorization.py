"""The authorization rules of every route.

A rule names who passes authorization; everyone else is refused: no credentials 401, a role without the
right 403 (or 404 where even the existence of the thing is the caller's business: another account's ids,
other accounts' history). Adding a route without a rule fails the matrix test.
"""

import secrets
from uuid import uuid4

from tests.e2e.api import PASSWORD
from tests.e2e.customers import customer_body, plan_body
from tests.e2e.files import CUSTOM_CLIENT
from tests.e2e.support import REQUEST as SUPPORT_REQUEST
from tests.e2e.world import (API_KEYS, CUSTOMER_USERS, EVERYONE, HELP_DESK, PEOPLE, Rule, World, disposable_client,
                            disposable_custom_client, disposable_key, disposable_plan, helped_user,
                            impersonation_of_a, managed_account, member, other_account, other_client,
                            other_custom_client, other_impersonation, other_invoice, other_resellers_customer,
                            other_session, other_support_request, other_user, own_account, own_client,
                            own_custom_client, own_invoice, own_session, public_link, read_only_session,
                            suppressed_address, support_request_of_a,
                            the_plan, throwaway)


async def _const(params: dict[str, str]) -> dict[str, str]:
    return params


READERS = CUSTOMER_USERS | API_KEYS
OPERATORS = CUSTOMER_USERS | {"api_write"}
OWNER = {"owner"}
AUDITORS = {"owner", "auditor", "administrator"}
ADMINS = {"administrator"}
MANAGERS = {"administrator", "reseller"}
EMAIL_DESK = {"administrator", "help_desk"}
SUPPORT_DESK = {"administrator", "help_desk"}  # and resellers, for their own customers' requests
LOGGED_IN = EVERYONE - {"anonymous"}
PUBLIC = Rule(allowed=EVERYONE)


async def not_a_domain(w: World, role: str) -> dict[str, str]:
    return {"domain": "not_a.domain"}


async def claimed_domain(w: World, role: str) -> dict[str, str]:
    domain = f"{uuid4().hex[:12]}.example"
    response = await w.http.post("/v1/account/domains", json={"domain": domain}, headers=w.a.auth)
    assert response.status_code == 201, response.text
    return {"domain": domain}


def email_body(w: World) -> dict[str, str]:
    return {"email": f"{uuid4().hex}@example.com", "reason": "matrix"}


RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/health"): PUBLIC, ("GET", "/ready"): PUBLIC,
    ("GET", "/metrics"): Rule(allowed=set(), hidden=EVERYONE),  # off without PORTAL_METRICS_TOKEN (test_answers)
    ("GET", "/schema"): PUBLIC, ("GET", "/schema/openapi.json"): PUBLIC, ("GET", "/schema/swagger"): PUBLIC,
    ("GET", "/schema/oauth2-redirect.html"): PUBLIC,
    ("GET", "/schema/{path:str}"): Rule(allowed=EVERYONE, params=lambda w, r: _const({"path": "swagger"})),
    ("GET", "/v1/events/schema"): PUBLIC, ("GET", "/v1/license/products"): PUBLIC,
    ("POST", "/v1/signup"): Rule(allowed=EVERYONE, body=lambda w: {"email": f"{uuid4().hex}@example.com",
                                                                    "password": PASSWORD, "name": "New"}),
    ("POST", "/v1/auth/login"): Rule(allowed=EVERYONE, body=lambda w: {"email": w.a.email, "password": PASSWORD}),
    ("POST", "/v1/auth/password/reset"): Rule(allowed=EVERYONE, body=lambda w: {"email": w.a.email}),
    ("POST", "/v1/auth/password/reset/confirm"): Rule(allowed=EVERYONE, body=lambda w: {
        "token": secrets.token_urlsafe(32), "new_password": "Another-Harbour-43"}),
    ("GET", "/v1/auth/me"): Rule(allowed=LOGGED_IN),
    ("POST", "/v1/auth/logout"): Rule(allowed=PEOPLE, fresh_token=True),
    ("POST", "/v1/auth/logout-everywhere"): Rule(allowed=PEOPLE, fresh_token=True),
    ("POST", "/v1/auth/password"): Rule(allowed=PEOPLE, body=lambda w: {
        "current_password": "not-the-password", "new_password": "Another-Harbour-43"}),
    ("POST", "/v1/auth/2fa/setup"): Rule(allowed=PEOPLE),
    ("POST", "/v1/auth/2fa/enable"): Rule(allowed=PEOPLE, body=lambda w: {"secret": "A" * 32, "code": "000000"}),
    ("POST", "/v1/auth/2fa/disable"): Rule(allowed=PEOPLE, body=lambda w: {"code": "000000"}),
    ("GET", "/v1/license"): Rule(allowed=READERS),
    ("POST", "/v1/license/upgrade"): Rule(allowed=OWNER, body=lambda w: {"product": "power"}),
    ("POST", "/v1/license/namespace"): Rule(allowed=OWNER, body=lambda w: {"namespace": f"m{uuid4().hex[:10]}"}),
    ("POST", "/v1/license/key/reset"): Rule(allowed=OWNER),
    ("POST", "/v1/license/cancel"): Rule(allowed=OWNER),
    ("POST", "/v1/license/api-password"): Rule(allowed=OWNER),
    ("PUT", "/v1/account/contact"): Rule(allowed=OWNER, body=lambda w: {"name": "Ann Example"}),
    ("PATCH", "/v1/account/contact"): Rule(allowed=OWNER, body=lambda w: {"phone": "+49 30 123456"}),
    ("PUT", "/v1/account/payment"): Rule(allowed=OWNER, body=lambda w: {"kind": "invoice"}),
    ("GET", "/v1/settings"): Rule(allowed=READERS),
    ("PATCH", "/v1/settings"): Rule(allowed=OWNER, body=lambda w: {"language": "en"}),
    ("GET", "/v1/clients"): Rule(allowed=READERS),
    ("GET", "/v1/clients.csv"): Rule(allowed=READERS),
    ("GET", "/v1/clients/{client_id:str}"): Rule(allowed=READERS, params=own_client, other=other_client),
    ("PATCH", "/v1/clients/{client_id:str}"): Rule(allowed=OPERATORS, body=lambda w: {"comment": "checked"},
                                                   params=own_client, other=other_client),
    ("DELETE", "/v1/clients/{client_id:str}"): Rule(allowed=OPERATORS, params=disposable_client, other=other_client),
    ("GET", "/v1/sessions"): Rule(allowed=READERS),
    ("GET", "/v1/sessions.csv"): Rule(allowed=READERS),
    ("GET", "/v1/sessions/{session_id:str}"): Rule(allowed=READERS, params=own_session, other=other_session),
    ("PATCH", "/v1/sessions/{session_id:str}"): Rule(allowed=OPERATORS, body=lambda w: {"comment": "checked"},
                                                     params=own_session, other=other_session),
    ("POST", "/v1/sessions/{session_id:str}/close"): Rule(allowed=OPERATORS, params=own_session,
                                                          other=other_session),
    ("GET", "/v1/events/stream"): Rule(allowed=READERS),
    ("GET", "/v1/users"): Rule(allowed=OWNER),
    ("POST", "/v1/users"): Rule(allowed=OWNER, body=lambda w: {"email": f"{uuid4().hex}@member.test", "name": "M"}),
    ("PATCH", "/v1/users/{user_id:uuid}"): Rule(allowed=OWNER, body=lambda w: {"disabled": False}, params=member),
    ("GET", "/v1/api-keys"): Rule(allowed=OWNER),
    ("POST", "/v1/api-keys"): Rule(allowed=OWNER, body=lambda w: {"name": "more", "scope": "read"}),
    ("DELETE", "/v1/api-keys/{key_id:str}"): Rule(allowed=OWNER, params=disposable_key),
    ("GET", "/v1/audit"): Rule(allowed=OWNER),
    ("GET", "/v1/audit/export"): Rule(allowed=OWNER),
    ("GET", "/v1/audit/verify"): Rule(allowed=OWNER),
    ("GET", "/v1/accounts/{account_id:uuid}/history"): Rule(allowed=AUDITORS, hidden=LOGGED_IN - AUDITORS,
                                                            params=own_account, other=other_account),
    ("GET", "/v1/accounts/{account_id:uuid}/state"): Rule(allowed=AUDITORS, hidden=LOGGED_IN - AUDITORS,
                                                          params=own_account, other=other_account),
    ("GET", "/v1/accounts/{account_id:uuid}/diff"): Rule(allowed=AUDITORS, hidden=LOGGED_IN - AUDITORS,
                                                         params=own_account, other=other_account,
                                                         query={"from": "1", "to": "2"}),
    ("POST", "/v1/admin/customers"): Rule(allowed=MANAGERS, body=customer_body),
    ("GET", "/v1/admin/customers"): Rule(allowed=MANAGERS),
    ("GET", "/v1/admin/customers.csv"): Rule(allowed=MANAGERS),
    ("GET", "/v1/admin/customers/{account_id:uuid}"): Rule(allowed=MANAGERS, params=managed_account,
                                                           other=other_resellers_customer),
    ("PATCH", "/v1/admin/customers/{account_id:uuid}"): Rule(allowed=MANAGERS, body=lambda w: {"enabled": True},
                                                             params=managed_account, other=other_resellers_customer),
    ("POST", "/v1/admin/customers/{account_id:uuid}/email"): Rule(
        allowed=MANAGERS, body=lambda w: {"subject": "Matrix", "text": "Hello"}, params=managed_account,
        other=other_resellers_customer),
    ("POST", "/v1/admin/customers/{account_id:uuid}/impersonation"): Rule(
        allowed=MANAGERS, body=lambda w: {"reason": "matrix", "minutes": 1}, params=managed_account,
        other=other_resellers_customer),
    ("DELETE", "/v1/impersonation"): Rule(allowed=set()),  # only an impersonation token, which no role holds
    ("GET", "/v1/account/access"): Rule(allowed=OWNER),
    ("DELETE", "/v1/account/access/{access_id:uuid}"): Rule(allowed=OWNER, params=impersonation_of_a,
                                                            other=other_impersonation),
    ("GET", "/v1/account/helpdesk-access"): Rule(allowed=OWNER),
    ("PUT", "/v1/account/helpdesk-access"): Rule(allowed=OWNER, body=lambda w: {"allowed": True}),
    ("GET", "/v1/helpdesk/users/{user_id:uuid}"): Rule(allowed=HELP_DESK, params=helped_user,
                                                       other=other_user),
    ("GET", "/v1/helpdesk/customers/{account_id:uuid}"): Rule(allowed=HELP_DESK, params=managed_account,
                                                             other=other_account),
    ("POST", "/v1/helpdesk/users/{user_id:uuid}/verification-code"): Rule(allowed=HELP_DESK, params=helped_user),
    ("POST", "/v1/helpdesk/users/{user_id:uuid}/verification-code/check"): Rule(
        allowed=HELP_DESK, params=helped_user, body=lambda w: {"code": "123456"}),
    ("POST", "/v1/helpdesk/customers/{account_id:uuid}/read-only-session"): Rule(
        allowed=HELP_DESK, params=managed_account, body=lambda w: {"reason": "matrix", "minutes": 5}),
    ("DELETE", "/v1/helpdesk/read-only-sessions/{session_id:uuid}"): Rule(allowed=HELP_DESK,
                                                                        params=read_only_session),
    ("DELETE", "/v1/admin/customers/{account_id:uuid}"): Rule(  # no `confirm`: refused after authorization
        allowed=MANAGERS, params=managed_account, other=other_resellers_customer),
    ("GET", "/v1/admin/plans"): Rule(allowed=ADMINS),
    ("POST", "/v1/admin/plans"): Rule(allowed=ADMINS, body=plan_body),
    ("GET", "/v1/admin/plans/{plan_id:uuid}"): Rule(allowed=ADMINS, params=the_plan),
    ("PATCH", "/v1/admin/plans/{plan_id:uuid}"): Rule(allowed=ADMINS, body=lambda w: {"name": "Matrix"},
                                                      params=the_plan),
    ("DELETE", "/v1/admin/plans/{plan_id:uuid}"): Rule(allowed=ADMINS, params=disposable_plan),
    ("POST", "/v1/admin/staff"): Rule(allowed=ADMINS, body=lambda w: {
        "email": f"{uuid4().hex}@staff.test", "name": "S", "role": "auditor"}),
    ("POST", "/v1/admin/users/{user_id:uuid}/password"): Rule(  # a reseller may not see account A's users
        allowed=ADMINS, hidden={"reseller"}, body=lambda w: {"password": "Another-Harbour-43"}, params=throwaway),
    ("GET", "/v1/helpdesk/search"): Rule(allowed=HELP_DESK, query={"q": "matrix"}),
    ("GET", "/v1/account/domains"): Rule(allowed=OWNER),
    ("POST", "/v1/account/domains"): Rule(allowed=OWNER, body=lambda w: {"domain": f"{uuid4().hex[:12]}.example"}),
    # A name that is not a domain: the owner passes authorization (422) and no DNS query leaves the machine.
    ("POST", "/v1/account/domains/{domain:str}/verify"): Rule(allowed=OWNER, params=not_a_domain),
    ("DELETE", "/v1/account/domains/{domain:str}"): Rule(allowed=OWNER, params=claimed_domain),
    ("GET", "/v1/admin/email"): Rule(allowed=EMAIL_DESK, query={"to": "someone@example.com"}),
    ("GET", "/v1/admin/email/accounts/{account_id:uuid}"): Rule(allowed=EMAIL_DESK, params=own_account),
    ("GET", "/v1/admin/email/suppressions"): Rule(allowed=EMAIL_DESK),
    ("POST", "/v1/admin/email/suppressions"): Rule(allowed=ADMINS, body=email_body),
    ("DELETE", "/v1/admin/email/suppressions/{email:str}"): Rule(allowed=EMAIL_DESK, params=suppressed_address),
    ("POST", "/v1/admin/email/bounces"): Rule(allowed=ADMINS, body=email_body),
    ("GET", "/v1/files"): Rule(allowed=READERS),
    ("POST", "/v1/files"): Rule(allowed=OPERATORS, body=lambda w: CUSTOM_CLIENT),
    ("GET", "/v1/files/platforms"): PUBLIC, ("GET", "/v1/files/signing-key"): PUBLIC,
    ("GET", "/v1/files/{custom_client_id:uuid}"): Rule(allowed=READERS, params=own_custom_client,
                                                      other=other_custom_client),
    ("PATCH", "/v1/files/{custom_client_id:uuid}"): Rule(allowed=OPERATORS, body=lambda w: {"name": "Renamed"},
                                                        params=own_custom_client, other=other_custom_client),
    ("DELETE", "/v1/files/{custom_client_id:uuid}"): Rule(allowed=OPERATORS, params=disposable_custom_client,
                                                         other=other_custom_client),
    ("POST", "/v1/files/{custom_client_id:uuid}/public-link"): Rule(  # the shared one's link must stay valid
        allowed=OPERATORS, params=disposable_custom_client, other=other_custom_client),
    ("GET", "/v1/files/{custom_client_id:uuid}/download"): Rule(allowed=READERS, params=own_custom_client,
                                                               other=other_custom_client),
    ("GET", "/d/{public_token:str}"): Rule(allowed=EVERYONE, params=public_link),  # the link is the credential
    ("POST", "/v1/support/requests"): Rule(allowed=OPERATORS, body=lambda w: dict(SUPPORT_REQUEST)),
    ("GET", "/v1/support/requests"): Rule(allowed=READERS),
    ("GET", "/v1/support/requests/{request_id:str}"): Rule(allowed=READERS, params=support_request_of_a,
                                                         other=other_support_request),
    ("PATCH", "/v1/support/requests/{request_id:str}"): Rule(
        allowed=OPERATORS, body=lambda w: {"status": "closed"}, params=support_request_of_a,
        other=other_support_request),
    ("POST", "/v1/support/requests/{request_id:str}/messages"): Rule(
        allowed=OPERATORS, body=lambda w: {"message": "More"}, params=support_request_of_a,
        other=other_support_request),
    ("GET", "/v1/helpdesk/support/requests"): Rule(allowed=SUPPORT_DESK | {"reseller"}),
    ("GET", "/v1/helpdesk/support/requests/{request_id:str}"): Rule(
        allowed=SUPPORT_DESK, hidden={"reseller"}, params=support_request_of_a),  # A is no reseller's customer
    ("PATCH", "/v1/helpdesk/support/requests/{request_id:str}"): Rule(
        allowed=SUPPORT_DESK, hidden={"reseller"}, body=lambda w: {"status": "answered"},
        params=support_request_of_a),
    ("POST", "/v1/helpdesk/support/requests/{request_id:str}/messages"): Rule(
        allowed=SUPPORT_DESK, hidden={"reseller"}, body=lambda w: {"message": "Fixed"},
        params=support_request_of_a),
    ("GET", "/v1/usage"): Rule(allowed=READERS, query={"from": "2026-11-01", "to": "2026-11-30"}),
    ("GET", "/v1/usage.csv"): Rule(allowed=READERS, query={"from": "2026-11-01", "to": "2026-11-30"}),
    ("POST", "/v1/admin/releases"): Rule(allowed=ADMINS, body=lambda w: {"platform": "ios", "version": "99.0.0"}),
    ("GET", "/v1/invoices"): Rule(allowed=READERS),
    ("GET", "/v1/invoices.csv"): Rule(allowed=READERS),
    ("GET", "/v1/invoices/{document:str}"): Rule(allowed=READERS, params=own_invoice, other=other_invoice),
    ("POST", "/v1/admin/invoices/{invoice_id:uuid}/void"): Rule(allowed=ADMINS, body=lambda w: {"reason": "matrix"},
                                                              params=own_invoice),
    ("POST", "/v1/admin/invoices/{invoice_id:uuid}/credit-note"): Rule(allowed=ADMINS, body=lambda w: {},
                                                                     params=own_invoice),  # unpaid: refused (409)
    ("POST", "/v1/payments/webhook"): PUBLIC,  # the provider's signature is the credential (refused unsigned)
}

# Authenticated by the license key (X-License-Key), not by a role: checked separately.
DEVICE_ROUTES = {("POST", "/v1/device/register"), ("POST", "/v1/device/heartbeat"), ("POST", "/v1/device/sessions"),
                 ("POST", "/v1/device/sessions/{session_id:str}/end")}
