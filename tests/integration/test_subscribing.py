"""What subscribers see on NATS: the README's nats-py example, and `portal tail`, run against the real servers."""

import asyncio
import re
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

from domain.application import Portal
from tests.support import ROOT, Roles, eventually


def readme_example() -> str:
    section = (ROOT / "README.md").read_text().split("## Subscribing to Portal events", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


async def printed(log: Path, text: str) -> None:
    async def shown() -> bool:
        return log.exists() and text in log.read_text()

    await eventually(shown, what=f"{text!r} in {log.name}")


async def test_the_readme_example_prints_a_new_accounts_events(settings, portal: Portal, roles: Roles, tmp_path):
    roles.start("relay")
    account_id, _, _ = await asyncio.to_thread(portal.open_account, f"{uuid4().hex}@readme.test", "Ann", "x")
    script = tmp_path / "example.py"
    script.write_text(readme_example().replace("nats://127.0.0.1:4222", settings.nats_url))
    log = tmp_path / "example.log"
    with log.open("wb") as out:
        example = subprocess.Popen([sys.executable, str(script)], stdout=out, stderr=subprocess.STDOUT)
    try:
        await printed(log, f"portal.evt.{account_id}.license.LicenseIssued")
    finally:
        example.kill()
        example.wait()


async def test_tail_prints_only_the_chosen_accounts_events_of_the_chosen_type(portal: Portal, roles: Roles):
    roles.start("relay")
    first, _, _ = await asyncio.to_thread(portal.open_account, f"{uuid4().hex}@tail.test", "Ann", "x")
    other, _, _ = await asyncio.to_thread(portal.open_account, f"{uuid4().hex}@tail.test", "Bob", "x")
    roles.start("tail", "--account", str(first), "--type", "AccountOpened", "--after", "0")

    await printed(roles.logs / "tail.log", f"{first}.account.AccountOpened")

    assert str(other) not in (roles.logs / "tail.log").read_text()
    assert "LicenseIssued" not in (roles.logs / "tail.log").read_text()
