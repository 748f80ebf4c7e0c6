"""An invoice or credit note as a PDF (fpdf2) with every field an EU invoice needs: seller and buyer with
addresses and VAT numbers, number, issue date, the period of each service, quantities and prices, net, VAT rate
and amount, total, due date, and the reverse-charge note or the invoice a credit note corrects.

Rendered from the invoice aggregate (the event store), so the gateway and the mailer's attachment are the same
document; the same invoice always gives the same bytes."""

from datetime import datetime
from pathlib import Path

from uuid import UUID

from fpdf import FPDF

from domain.application import Portal
from domain.invoice import CREDIT_NOTE, Invoice, money

# The seller as every invoice names it (an example company: a deployment puts its own here).
SELLER = ("Portal Software GmbH", "Türlenstraße 2", "70191 Stuttgart", "Germany", "VAT ID DE136695976",
          "Managing director: Ann Example · Register court Stuttgart HRB 000000")
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # where present: any holder's script


class Document(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_creation_date(datetime(2000, 1, 1))  # the same bytes for the same invoice
        self.latin_only = not UNICODE_FONT.exists()
        self.body_font = "helvetica" if self.latin_only else "body"
        if not self.latin_only:
            self.add_font("body", fname=str(UNICODE_FONT))
            self.add_font("body", style="B", fname=str(UNICODE_FONT))

    def text_line(self, text: str, size: int = 10, bold: bool = False, width: float = 0, align: str = "L") -> None:
        if self.latin_only:  # the core fonts know Latin-1 only
            text = text.encode("latin-1", "replace").decode("latin-1")
        self.set_font(self.body_font, "B" if bold else "", size)
        self.cell(width, 6, text, align=align, new_x="RIGHT" if width else "LMARGIN",
                  new_y="TOP" if width else "NEXT")


def invoice_pdf(invoice: Invoice, original_number: str | None = None) -> bytes:
    pdf = Document()
    pdf.set_title(f"{'Credit note' if invoice.kind == CREDIT_NOTE else 'Invoice'} {invoice.number}")
    pdf.add_page()
    for line in SELLER[:4]:
        pdf.text_line(line, 9)
    pdf.text_line(SELLER[4], 9)
    pdf.ln(6)
    holder = invoice.holder
    for line in (holder.get("name", ""), holder.get("street", ""),
                 f"{holder.get('postal_code', '')} {holder.get('city', '')}".strip(), holder.get("country", "")):
        if line:
            pdf.text_line(line)
    if holder.get("vat_id"):
        pdf.text_line(f"VAT ID {holder['vat_id']}")
    pdf.ln(6)
    title = "Credit note" if invoice.kind == CREDIT_NOTE else "Invoice"
    pdf.text_line(f"{title} {invoice.number}", 16, bold=True)
    pdf.text_line(f"Issue date: {invoice.issued_at.date()}    Due date: {invoice.due_at.date()}")
    if invoice.kind == CREDIT_NOTE and original_number:
        pdf.text_line(f"Corrects invoice {original_number}")
    pdf.ln(4)
    columns = (100, 15, 35, 35)
    for text, width, align in zip(("Description", "Qty", "Unit price", "Amount"), columns, "LRRR"):
        pdf.text_line(text, 10, True, width, align)
    pdf.ln(6)
    for item in invoice.lines:
        cells = (item["description"], str(item["quantity"]), money(item["unit_cents"], invoice.currency),
                 money(item["total_cents"], invoice.currency))
        for text, width, align in zip(cells, columns, "LRRR"):
            pdf.text_line(text, 9, False, width, align)
        pdf.ln(6)
    pdf.ln(4)
    rate = f"{invoice.vat_rate_bp // 100}.{invoice.vat_rate_bp % 100:02d} %"
    for label, cents in (("Net", invoice.net_cents), (f"VAT {rate}", invoice.vat_cents),
                         ("Total", invoice.total_cents)):
        pdf.text_line(label, 10, label == "Total", 150, "R")
        pdf.text_line(money(cents, invoice.currency), 10, label == "Total", 35, "R")
        pdf.ln(6)
    pdf.ln(4)
    if invoice.reverse_charge:
        pdf.text_line("Reverse charge: VAT is owed by the recipient (Art. 196 Directive 2006/112/EC).", 9)
    pdf.text_line(f"Services are supplied for the periods stated. {SELLER[5]}", 8)
    return bytes(pdf.output())


def pdf_of(portal: Portal, account_id: UUID, invoice_id: UUID) -> bytes:
    """The PDF of the account's invoice (NotFound for another account's)."""
    invoice = portal.invoice(account_id, invoice_id)
    original = portal.invoice(account_id, invoice.credit_note_for).number if invoice.credit_note_for else None
    return invoice_pdf(invoice, original)
