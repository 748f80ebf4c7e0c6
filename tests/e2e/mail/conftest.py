"""These modules need e-mail delivered: their service also runs a mailer writing .eml files to `mail_dir`.
(The shared service runs none: other modules expect the e-mails they queue to stay queued.)"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import running_service
from workers.config import Settings


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="module")
async def gateway(settings: Settings, mail_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    env = {"PORTAL_MAIL_DIR": str(mail_dir), "PORTAL_SMTP_URL": ""}
    async with running_service(settings, tmp_path_factory.mktemp("stack"), ("relay", "projector", "mailer"),
                               env) as base:
        yield base
