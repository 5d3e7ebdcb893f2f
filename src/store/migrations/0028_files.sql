-- Issue 13: uploaded materials, stored content-addressed (SHA-256) under the data directory; the
-- database holds what the file is and who may read it.
CREATE TABLE files (
  id {{pk}},
  sha256 TEXT NOT NULL,
  size {{bigint}} NOT NULL,
  mime TEXT NOT NULL,
  kind TEXT NOT NULL,
  original_name TEXT NOT NULL,
  uploaded_by {{bigint}} REFERENCES users (id),
  owner_uscc TEXT,
  owner_department_id {{bigint}} REFERENCES departments (id),
  purpose TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX files_sha ON files (sha256);
CREATE INDEX files_owner ON files (owner_uscc);
