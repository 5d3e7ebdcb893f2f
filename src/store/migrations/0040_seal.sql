-- Electronic seals (src/seal, docs/seal.md): the platform CA, which also makes the seals, and one
-- seal per department at a time. Private keys are PKCS#8 EncryptedPrivateKeyInfo PEM (PBES2).
-- Binary values (SESeal DER, PNG) are base64 TEXT: the store binds parameters as text, which
-- cannot carry NUL octets to PostgreSQL.

CREATE TABLE seal_ca (
  id {{pk}},
  subject TEXT NOT NULL,
  serial TEXT NOT NULL UNIQUE,
  certificate_pem TEXT NOT NULL,
  private_key_pem TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  created_at TEXT NOT NULL
);
-- At most one active CA: two nodes creating one at once cannot both succeed.
CREATE UNIQUE INDEX seal_ca_one_active ON seal_ca (status) WHERE status = 'active';

CREATE TABLE department_seals (
  id {{pk}},
  department_id {{bigint}} NOT NULL REFERENCES departments (id),
  ca_id {{bigint}} NOT NULL REFERENCES seal_ca (id),
  department_code TEXT NOT NULL,
  department_name TEXT NOT NULL,
  serial TEXT NOT NULL UNIQUE,
  es_id TEXT NOT NULL UNIQUE,
  certificate_pem TEXT NOT NULL,
  private_key_pem TEXT NOT NULL,
  image_png_b64 TEXT NOT NULL,
  seal_der_b64 TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  revoked_at TEXT,
  revocation_reason TEXT,
  created_at TEXT NOT NULL
);
-- One active seal per department; a replacement is issued after the old one is revoked.
CREATE UNIQUE INDEX department_seals_one_active ON department_seals (department_id) WHERE status = 'active';
