-- Read model: the Invoices area (invoices and credit notes), and the payment sweep's work list.
CREATE TABLE invoices (
    account_id       uuid NOT NULL,
    invoice_id       uuid NOT NULL,
    number           text NOT NULL,  -- 2026-000123: unique across the platform (the event store sees to it)
    year             int NOT NULL,
    kind             text NOT NULL,  -- invoice | credit_note
    cause            text NOT NULL,
    issued_at        timestamptz NOT NULL,
    due_at           timestamptz NOT NULL,
    status           text NOT NULL,
    currency         text NOT NULL,
    net_cents        bigint NOT NULL,
    vat_cents        bigint NOT NULL,
    total_cents      bigint NOT NULL,
    vat_rate_bp      int NOT NULL,
    reverse_charge   boolean NOT NULL,
    lines            jsonb NOT NULL,
    holder           jsonb NOT NULL,
    credit_note_for  uuid,
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,  -- when the payment sweep charges (or refunds) it next; NULL: nothing to do
    position         bigint NOT NULL,
    PRIMARY KEY (account_id, invoice_id)
);
CREATE INDEX invoices_by_issue ON invoices (account_id, issued_at DESC, invoice_id DESC);
CREATE INDEX invoices_to_collect ON invoices (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE UNIQUE INDEX invoices_by_id ON invoices (invoice_id);  -- staff reach an invoice by its id alone
