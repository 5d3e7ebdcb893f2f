-- Tag freshness (常州办法 第十八条; issue 15 item 6): an enterprise's qualification or honour is on
-- the platform within 3 working days of being granted. acquired_on (existing) is the grant date;
-- received_on the Shanghai date the tag reached the platform; source and department_id who
-- recorded it (the import's data source and its owner in data_source_owners, or the department
-- whose reviewer accepted a correction). A tag kept across later archive writes keeps its receipt.
ALTER TABLE enterprise_tags ADD COLUMN received_on TEXT;
ALTER TABLE enterprise_tags ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprise_tags ADD COLUMN department_id {{bigint}} REFERENCES departments (id);
CREATE INDEX enterprise_tags_department ON enterprise_tags (department_id, received_on);
