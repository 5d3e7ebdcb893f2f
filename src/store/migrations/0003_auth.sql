-- Departments, users, sessions and login failures.

CREATE TABLE departments (
  id {{pk}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('national', 'provincial', 'municipal', 'county')),
  parent_id {{bigint}} REFERENCES departments (id),
  phone TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id {{pk}},
  login TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('platform_admin', 'department_staff', 'finance', 'enterprise', 'individual')),
  department_id {{bigint}} REFERENCES departments (id),
  roles TEXT NOT NULL DEFAULT '',
  uscc TEXT,
  phone TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX users_department ON users (department_id);
CREATE INDEX users_uscc ON users (uscc);

CREATE TABLE sessions (
  id {{pk}},
  token_hash TEXT NOT NULL UNIQUE,
  user_id {{bigint}} NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  remote_addr TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  expires_at {{bigint}} NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
  id {{pk}},
  subject TEXT NOT NULL,
  at {{bigint}} NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);
