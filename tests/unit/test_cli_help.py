"""`portal --help` and every role's `--help`, as a new user reads them."""

import argparse

from workers.cli import ENVIRONMENT, parser


def roles() -> dict[str, argparse.ArgumentParser]:
    top = parser()
    return next(a for a in top._actions if isinstance(a, argparse._SubParsersAction)).choices


def test_every_option_of_every_role_has_a_help_line() -> None:
    silent = [f"{name} {action.option_strings or action.dest}" for name, role in roles().items()
              for action in role._actions if not action.help]

    assert silent == []


def test_the_environment_is_listed_once_in_the_top_help_and_not_under_each_role() -> None:
    assert parser().format_help().count("PORTAL_DATABASE_URL") == 1
    assert all("PORTAL_DATABASE_URL" not in role.format_help() for role in roles().values())
    assert ENVIRONMENT.strip().splitlines()[0] in parser().format_help()
