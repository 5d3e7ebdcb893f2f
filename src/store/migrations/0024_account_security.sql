-- Issue 10: who may act for an enterprise, login throttling that does not lock the rightful user
-- out, verified phone numbers, and archive corrections routed to the department owning the data.

-- An enterprise (USCC) is bound to the account that proved it represents it — through the
-- identity provider (江阴办法 第十三条: 江苏政务服务网 legal-person login) or by the platform
-- office — once. Further accounts join only by an invitation of the enterprise's admin.
CREATE TABLE enterprise_bindings (
  uscc TEXT PRIMARY KEY,
  admin_user_id {{bigint}} NOT NULL REFERENCES users (id),
  verified_by TEXT NOT NULL,
  verification_ref TEXT NOT NULL DEFAULT '',
  legal_person TEXT NOT NULL DEFAULT '',
  bound_at TEXT NOT NULL
);

CREATE TABLE enterprise_invitations (
  id {{pk}},
  uscc TEXT NOT NULL REFERENCES enterprise_bindings (uscc),
  code_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('enterprise_admin', 'enterprise_preparer')),
  invited_by {{bigint}} NOT NULL REFERENCES users (id),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  expires_at {{bigint}} NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'used', 'revoked')),
  used_by {{bigint}} REFERENCES users (id),
  used_at TEXT
);
CREATE INDEX enterprise_invitations_uscc ON enterprise_invitations (uscc, status);

-- Accounts that existed before binding: the first account of each enterprise becomes its admin,
-- the others its preparers.
INSERT INTO enterprise_bindings (uscc, admin_user_id, verified_by, bound_at)
  SELECT uscc, MIN(id), 'migration', MIN(created_at) FROM users
  WHERE kind = 'enterprise' AND uscc IS NOT NULL GROUP BY uscc;
UPDATE users SET roles = 'enterprise_admin'
  WHERE kind = 'enterprise' AND id IN (SELECT admin_user_id FROM enterprise_bindings);
UPDATE users SET roles = 'enterprise_preparer' WHERE kind = 'enterprise' AND roles = '';

-- A browser that has logged in to an account before: its attempts pass the account-wide backoff
-- that an attack from elsewhere triggers (OWASP "device cookies").
CREATE TABLE trusted_devices (
  id {{pk}},
  user_id {{bigint}} NOT NULL REFERENCES users (id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at {{bigint}} NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);

-- What the rightful user is told at the next login: failed attempts since the last success.
ALTER TABLE users ADD COLUMN failed_logins {{bigint}} NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_failed_at TEXT;
ALTER TABLE users ADD COLUMN last_failed_from TEXT;
-- Phone numbers are sealed (AES-256-GCM) in users.phone; this keyed hash finds an account by
-- its phone without storing the number in the clear.
ALTER TABLE users ADD COLUMN phone_hash TEXT;
CREATE INDEX users_phone_hash ON users (phone_hash);

-- One-time codes sent to a phone (registration proves the registrant holds the number).
CREATE TABLE phone_codes (
  id {{pk}},
  phone_hash TEXT NOT NULL,
  purpose TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  created_at {{bigint}} NOT NULL,
  expires_at {{bigint}} NOT NULL,
  attempts {{bigint}} NOT NULL DEFAULT 0,
  used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX phone_codes_phone ON phone_codes (phone_hash, purpose, created_at);

-- Which department owns each data source of the archive: corrections of an attribute go to the
-- owner of its source, and only that department's reviewers see and resolve them.
CREATE TABLE data_source_owners (
  source TEXT PRIMARY KEY,
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  updated_at TEXT NOT NULL
);
ALTER TABLE enterprise_corrections ADD COLUMN department_id {{bigint}} REFERENCES departments (id);
CREATE INDEX enterprise_corrections_department ON enterprise_corrections (department_id, status);

-- Events counted against a limit (registrations, codes sent), one row each, pruned by age.
CREATE TABLE rate_events (
  id {{pk}},
  subject TEXT NOT NULL,
  at {{bigint}} NOT NULL
);
CREATE INDEX rate_events_subject ON rate_events (subject, at);
