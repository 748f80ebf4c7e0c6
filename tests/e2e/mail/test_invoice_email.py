"""The e-mail announcing an invoice carries its PDF (the mailer renders it at send time)."""

import io
from pathlib import Path

import pypdf

from tests.e2e.invoices import upgraded
from tests.e2e.people import mail_to


async def test_the_invoice_email_attaches_the_invoice_pdf(http, account, mail_dir: Path):
    invoice = await upgraded(http, account, "lite")

    message = await mail_to(mail_dir, account.email, f"Your Portal invoice {invoice['number']}")

    [attachment] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert (attachment.get_content_type(), attachment.get_filename()) == ("application/pdf",
                                                                          f"{invoice['number']}.pdf")
    text = pypdf.PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    assert invoice["number"] in text and "Total 141.37 EUR" in text
