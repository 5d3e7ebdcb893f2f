-- Archive attributes an admin adds beside the built-in ones (常州办法 第二十一条: the archive grows
-- with the data departments share). Values live one row per enterprise and attribute: numbers at
-- the rule language's scales in num_value; dates ('YYYY-MM-DD') and enum values in text_value.
CREATE TABLE attribute_defs (
  key TEXT PRIMARY KEY,
  label TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK (type IN ('int', 'decimal', 'money', 'percent', 'date', 'enum', 'bool')),
  unit TEXT NOT NULL DEFAULT '',
  enum_values TEXT NOT NULL DEFAULT '[]',
  aliases TEXT NOT NULL DEFAULT '[]',
  source TEXT NOT NULL DEFAULT '',
  as_of TEXT,
  created_by {{bigint}} REFERENCES users (id),
  created_at TEXT NOT NULL
);

CREATE TABLE enterprise_values (
  enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
  attribute TEXT NOT NULL REFERENCES attribute_defs (key),
  num_value {{bigint}},
  text_value TEXT,
  PRIMARY KEY (enterprise_id, attribute)
);
CREATE INDEX enterprise_values_attribute ON enterprise_values (attribute, num_value);
