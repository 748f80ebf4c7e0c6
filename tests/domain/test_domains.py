"""An account's domains (domain.domain_commands): claimed with a token, verified by the TXT record holding it,
held by one account at a time, released on removal."""

from uuid import uuid4

import pytest

from domain.account_domains import MAX_DOMAINS
from domain.errors import DomainTaken, NotFound, RuleViolation


def domain() -> str:
    return f"{uuid4().hex[:12]}.example"


def verified(app, account_id, name: str) -> None:
    token, _ = app.claim_domain(account_id, name)
    app.verify_domain(account_id, name, ["v=spf1 -all", f"portal-verification={token}"])


def test_claiming_again_keeps_the_first_token_and_records_nothing(app, account_id):
    name = domain()
    token, position = app.claim_domain(account_id, name)

    again, position_again = app.claim_domain(account_id, name)

    assert (again, position_again) == (token, position)
    assert app.account_domains(account_id).domains[name] == {"token": token, "verified": False}


def test_a_domain_is_verified_when_dns_holds_its_token(app, account_id):
    name = domain()
    verified(app, account_id, name)

    assert app.account_domains(account_id).is_verified(name)


@pytest.mark.parametrize("records", [[], ["portal-verification=not-the-token"], ["v=spf1 -all"]])
def test_without_the_record_a_domain_stays_unverified(app, account_id, refused, records):
    name = domain()
    app.claim_domain(account_id, name)

    error = refused(RuleViolation, app.verify_domain, account_id, name, records)

    assert error.field == "domain" and "portal-verification=" in str(error)
    assert not app.account_domains(account_id).is_verified(name)


def test_verifying_an_unclaimed_domain_is_not_found(app, account_id, refused):
    app.claim_domain(account_id, domain())

    refused(NotFound, app.verify_domain, account_id, domain(), [])


def test_another_accounts_claim_is_not_found_here(app, account_id, other_account_id, refused):
    name = domain()
    app.claim_domain(other_account_id, name)

    refused(NotFound, app.verify_domain, account_id, name, [])
    refused(NotFound, app.remove_domain, account_id, name)


def test_a_domain_verified_by_one_account_is_refused_to_another(app, account_id, other_account_id, refused):
    name = domain()
    token, _ = app.claim_domain(other_account_id, name)  # pending claims may coexist
    verified(app, account_id, name)

    refused(DomainTaken, app.verify_domain, other_account_id, name, [f"portal-verification={token}"])
    refused(DomainTaken, app.claim_domain, other_account_id, name)




def test_a_removed_domain_is_free_for_another_account(app, account_id, other_account_id):
    name = domain()
    verified(app, account_id, name)
    app.remove_domain(account_id, name)

    verified(app, other_account_id, name)

    assert app.account_domains(other_account_id).is_verified(name)
    assert name not in app.account_domains(account_id).domains


def test_the_same_account_may_verify_its_domain_again_after_removing_it(app, account_id):
    name = domain()
    verified(app, account_id, name)
    app.remove_domain(account_id, name)

    verified(app, account_id, name)

    assert app.account_domains(account_id).is_verified(name)


def test_a_deleted_accounts_domain_is_free_for_another(app, account_id, other_account_id):
    name = domain()
    verified(app, account_id, name)
    app.delete_customer(account_id, app.account(account_id).customer_number)

    verified(app, other_account_id, name)

    assert app.account_domains(other_account_id).is_verified(name)


def test_an_account_claims_a_limited_number_of_domains(app, account_id, refused):
    for _ in range(MAX_DOMAINS):
        app.claim_domain(account_id, domain())

    error = refused(RuleViolation, app.claim_domain, account_id, domain())

    assert error.field == "domain"


def use_domains(app, account_id) -> None:
    """Every event of domains: claimed, verified, removed (its claim released), verified again (taken)."""
    name = domain()
    verified(app, account_id, name)
    app.remove_domain(account_id, name)
    verified(app, account_id, name)
