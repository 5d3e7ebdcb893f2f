-- The enterprise archive (企业数字档案, 常州办法 第二十一条): one row per enterprise keyed by
-- USCC, a column per built-in attribute at the rule language's exact scales (money in fen,
-- percentages in hundredths of a point, dates as 'YYYY-MM-DD'), NULL where unknown. Tags with
-- the date each was acquired. tags_known = 0 until the tag list has been collected at all.

CREATE TABLE enterprises (
  id {{pk}},
  uscc TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  region TEXT,
  industry TEXT,
  registration_type TEXT,
  established_on TEXT,
  registered_capital {{bigint}},
  employees {{bigint}},
  revenue {{bigint}},
  revenue_growth {{bigint}},
  total_assets {{bigint}},
  rd_expense {{bigint}},
  rd_ratio {{bigint}},
  tax_paid {{bigint}},
  export_value {{bigint}},
  tax_credit_grade TEXT,
  dishonest INTEGER,
  scale TEXT,
  tags_known INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX enterprises_region ON enterprises (region);
CREATE INDEX enterprises_industry ON enterprises (industry);
CREATE INDEX enterprises_employees ON enterprises (employees);
CREATE INDEX enterprises_revenue ON enterprises (revenue);
CREATE INDEX enterprises_established ON enterprises (established_on);

CREATE TABLE enterprise_tags (
  enterprise_id {{bigint}} NOT NULL REFERENCES enterprises (id),
  tag TEXT NOT NULL,
  acquired_on TEXT,
  PRIMARY KEY (enterprise_id, tag)
);
CREATE INDEX enterprise_tags_tag ON enterprise_tags (tag, acquired_on);
