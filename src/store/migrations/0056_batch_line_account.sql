-- Issue 14: a batch line keeps the account it was paid to. Before, the bank file of a batch read
-- the entry's current account, so re-exporting an old batch after its failed entry had been
-- re-issued to another account printed the new number beside the old account name.
ALTER TABLE batch_lines ADD COLUMN bank_account_id {{bigint}} REFERENCES bank_accounts (id);
UPDATE batch_lines SET bank_account_id =
  (SELECT p.bank_account_id FROM payment_entries p WHERE p.id = batch_lines.entry_id);
