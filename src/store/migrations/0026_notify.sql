-- Issue 13: notices. Every event that concerns a user writes, in the transaction of the change
-- itself, an inbox row (the 法人空间 消息中心) and one outbox row per channel (SMS, webhook); a
-- delivery worker sends the outbox with retries, records each attempt, and gives up into the
-- dead-letter list an admin can retry. Addresses (phone numbers, webhook URLs) are sealed.
CREATE TABLE notices (
  id {{pk}},
  user_id {{bigint}} REFERENCES users (id),
  department_id {{bigint}} REFERENCES departments (id),
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  link TEXT NOT NULL DEFAULT '',
  entity TEXT NOT NULL DEFAULT '',
  entity_id TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX notices_user ON notices (user_id, id);
CREATE INDEX notices_unread ON notices (user_id, read_at);

CREATE TABLE outbox (
  id {{pk}},
  notice_id {{bigint}} NOT NULL REFERENCES notices (id),
  channel TEXT NOT NULL CHECK (channel IN ('sms', 'webhook', 'file')),
  address TEXT NOT NULL,
  template TEXT NOT NULL DEFAULT '',
  params TEXT NOT NULL DEFAULT '{}',
  idempotency_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
  attempts {{bigint}} NOT NULL DEFAULT 0,
  next_attempt_at {{bigint}} NOT NULL,
  claim_token TEXT NOT NULL DEFAULT '',
  claimed_until {{bigint}} NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE outbox_attempts (
  id {{pk}},
  outbox_id {{bigint}} NOT NULL REFERENCES outbox (id),
  at TEXT NOT NULL,
  ok INTEGER NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_attempts_outbox ON outbox_attempts (outbox_id);
