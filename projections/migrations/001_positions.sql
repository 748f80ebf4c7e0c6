-- How far each consumer of the event store has come: the relay (published to NATS) and each projector.
CREATE TABLE relay_position (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),  -- a single row
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projection_positions (
    projection text PRIMARY KEY,
    position   bigint NOT NULL DEFAULT 0,  -- last notification id applied
    stream_seq bigint NOT NULL DEFAULT 0,  -- last JetStream sequence examined (finds gaps)
    updated_at timestamptz NOT NULL DEFAULT now()
);
