#pragma once
// The payments module's SQL, state machines and row mapping. Not for other modules.

#include <optional>
#include <string>

#include "payments/payments.h"
#include "state/machine.h"
#include "store/database.h"

namespace huiqi::payments::detail {

using store::Statement;

//! draft → sent | discarded.
const state::Machine& ListMachine();
//! pending → confirmed | declined | objected | expired; objected → pending (answered).
const state::Machine& OfferMachine();
//! pending → confirmed → in_batch → paid | failed | returned; failed | returned → confirmed.
const state::Machine& EntryMachine();
//! open → exported → settled.
const state::Machine& BatchMachine();

std::string_view OfferStatusLabel(std::string_view s);
std::string_view EntryStatusLabel(std::string_view s);

std::optional<core::Date> DateOf(const store::Row& r, std::string_view col);
OfferList ListFromRow(const store::Row& r);
Offer OfferFromRow(const store::Row& r);
PaymentEntry EntryFromRow(const store::Row& r);
Batch BatchFromRow(const store::Row& r);
Budget BudgetFromRow(const store::Row& r);
SubsidyRecord RecordFromRow(const store::Row& r);

// ---- offer lists ----
inline constexpr Statement kInsertList{
    "payments.insert_list",
    "INSERT INTO offer_lists (item_id, department_id, status, source, rule_text, rule_version, file_sha256, "
    "entry_count, total_fen, without_amount, confirm_days, created_by, created_at, note) "
    "VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"};
inline constexpr Statement kInsertEntry{
    "payments.insert_entry",
    "INSERT INTO offer_list_entries (list_id, enterprise_id, uscc, name, amount_fen, basis, trace, facts) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"};
inline constexpr Statement kGetList{
    "payments.get_list",
    "SELECT l.id, l.item_id, l.department_id, l.status, l.source, l.rule_text, l.rule_version, "
    "l.entry_count, "
    "l.total_fen, l.without_amount, l.confirm_days, l.created_at, l.approved_at, l.note, "
    "cu.display_name AS created_by_name, au.display_name AS approved_by_name, l.created_by "
    "FROM offer_lists l JOIN users cu ON cu.id = l.created_by LEFT JOIN users au ON au.id = l.approved_by "
    "WHERE l.id = ?"};
inline constexpr Statement kListsOf{
    "payments.lists_of",
    "SELECT l.id, l.item_id, l.department_id, l.status, l.source, l.rule_text, l.rule_version, "
    "l.entry_count, "
    "l.total_fen, l.without_amount, l.confirm_days, l.created_at, l.approved_at, l.note, "
    "cu.display_name AS created_by_name, au.display_name AS approved_by_name, l.created_by "
    "FROM offer_lists l JOIN users cu ON cu.id = l.created_by LEFT JOIN users au ON au.id = l.approved_by "
    "WHERE (? = 0 OR l.department_id = ?) AND (? = 0 OR l.item_id = ?) ORDER BY l.id DESC LIMIT ? OFFSET ?"};
inline constexpr Statement kCountLists{"payments.count_lists",
                                       "SELECT COUNT(*) AS n FROM offer_lists l WHERE (? = 0 OR "
                                       "l.department_id = ?) AND (? = 0 OR l.item_id = ?)"};
inline constexpr Statement kListByUpload{"payments.list_by_upload",
                                         "SELECT id FROM offer_lists WHERE item_id = ? AND file_sha256 = ?"};
inline constexpr Statement kEntriesOf{
    "payments.entries_of",
    "SELECT id, enterprise_id, uscc, name, amount_fen, basis, trace, facts FROM offer_list_entries "
    "WHERE list_id = ? ORDER BY id LIMIT ? OFFSET ?"};
inline constexpr Statement kAllEntriesOf{
    "payments.all_entries_of",
    "SELECT id, enterprise_id, uscc, name, amount_fen, basis, trace, facts FROM offer_list_entries "
    "WHERE list_id = ? ORDER BY id"};
inline constexpr Statement kCurrentList{"payments.list_status",
                                        "SELECT status FROM offer_lists WHERE id = ?"};
inline constexpr Statement kApproveList{
    "payments.approve_list",
    "UPDATE offer_lists SET status = 'sent', approved_by = ?, approved_at = ? WHERE id = ? AND status = ?"};
inline constexpr Statement kDiscardList{
    "payments.discard_list",
    "UPDATE offer_lists SET status = 'discarded', note = ? WHERE id = ? AND status = ?"};

// ---- enterprises ----
inline constexpr Statement kEnterpriseByUscc{"payments.enterprise_by_uscc",
                                             "SELECT id, uscc, name FROM enterprises WHERE uscc = ?"};
inline constexpr Statement kAllEnterpriseNames{"payments.enterprise_names",
                                               "SELECT id, uscc, name FROM enterprises ORDER BY id"};
inline constexpr Statement kUsersOfEnterprise{
    "payments.users_of_enterprise",
    "SELECT id FROM users WHERE uscc = ? AND kind = 'enterprise' AND active = 1 ORDER BY id"};
inline constexpr Statement kFinanceUsers{
    "payments.finance_users", "SELECT id FROM users WHERE kind = 'finance' AND active = 1 ORDER BY id"};
inline constexpr Statement kDepartmentName{"payments.department_name",
                                           "SELECT name FROM departments WHERE id = ?"};
inline constexpr Statement kItemByKey{
    "payments.item_by_key", "SELECT id, exclusive_group, department_id FROM items WHERE source_key = ?"};
inline constexpr Statement kItemGroup{"payments.item_group",
                                      "SELECT exclusive_group, source_key FROM items WHERE id = ?"};

// ---- offers ----
inline constexpr Statement kInsertOffer{
    "payments.insert_offer",
    "INSERT INTO offers (list_id, entry_id, item_id, department_id, uscc, enterprise_name, amount_fen, "
    "status, "
    "due_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id"};
inline constexpr Statement kGetOffer{
    "payments.get_offer",
    "SELECT o.id, o.list_id, o.item_id, o.department_id, o.uscc, o.enterprise_name, o.amount_fen, o.status, "
    "o.due_on, o.bank_account_id, o.decline_reason, o.objection, o.answer, o.created_at, o.responded_at, "
    "e.basis, e.trace, e.facts, l.rule_version, l.rule_text, d.name AS department_name, "
    "COALESCE(b.masked, '') AS masked FROM offers o JOIN offer_list_entries e ON e.id = o.entry_id "
    "JOIN offer_lists l ON l.id = o.list_id JOIN departments d ON d.id = o.department_id "
    "LEFT JOIN bank_accounts b ON b.id = o.bank_account_id WHERE o.id = ?"};
inline constexpr Statement kOffersOfUscc{
    "payments.offers_of_uscc",
    "SELECT o.id, o.list_id, o.item_id, o.department_id, o.uscc, o.enterprise_name, o.amount_fen, o.status, "
    "o.due_on, o.bank_account_id, o.decline_reason, o.objection, o.answer, o.created_at, o.responded_at, "
    "e.basis, e.trace, e.facts, l.rule_version, l.rule_text, d.name AS department_name, "
    "COALESCE(b.masked, '') AS masked FROM offers o JOIN offer_list_entries e ON e.id = o.entry_id "
    "JOIN offer_lists l ON l.id = o.list_id JOIN departments d ON d.id = o.department_id "
    "LEFT JOIN bank_accounts b ON b.id = o.bank_account_id WHERE o.uscc = ? ORDER BY o.id DESC LIMIT ? "
    "OFFSET ?"};
inline constexpr Statement kCountOffersOfUscc{"payments.count_offers_of_uscc",
                                              "SELECT COUNT(*) AS n FROM offers WHERE uscc = ?"};
inline constexpr Statement kOffersOfDepartment{
    "payments.offers_of_department",
    "SELECT o.id, o.list_id, o.item_id, o.department_id, o.uscc, o.enterprise_name, o.amount_fen, o.status, "
    "o.due_on, o.bank_account_id, o.decline_reason, o.objection, o.answer, o.created_at, o.responded_at, "
    "e.basis, e.trace, e.facts, l.rule_version, l.rule_text, d.name AS department_name, "
    "COALESCE(b.masked, '') AS masked FROM offers o JOIN offer_list_entries e ON e.id = o.entry_id "
    "JOIN offer_lists l ON l.id = o.list_id JOIN departments d ON d.id = o.department_id "
    "LEFT JOIN bank_accounts b ON b.id = o.bank_account_id "
    "WHERE (? = 0 OR o.department_id = ?) AND (? = 0 OR o.list_id = ?) AND (? = '' OR o.status = ?) "
    "ORDER BY o.id LIMIT ? OFFSET ?"};
inline constexpr Statement kCountOffersOfDepartment{
    "payments.count_offers_of_department",
    "SELECT COUNT(*) AS n FROM offers o WHERE (? = 0 OR o.department_id = ?) AND (? = 0 OR o.list_id = ?) "
    "AND (? = '' OR o.status = ?)"};
inline constexpr Statement kCurrentOffer{"payments.offer_status", "SELECT status FROM offers WHERE id = ?"};
inline constexpr Statement kConfirmOffer{
    "payments.confirm_offer",
    "UPDATE offers SET status = 'confirmed', bank_account_id = ?, responded_by = ?, responded_at = ? "
    "WHERE id = ? AND status = ?"};
inline constexpr Statement kDeclineOffer{
    "payments.decline_offer",
    "UPDATE offers SET status = 'declined', decline_reason = ?, responded_by = ?, responded_at = ? "
    "WHERE id = ? AND status = ?"};
inline constexpr Statement kObjectOffer{
    "payments.object_offer",
    "UPDATE offers SET status = 'objected', objection = ?, responded_by = ?, responded_at = ? "
    "WHERE id = ? AND status = ?"};
inline constexpr Statement kAnswerOffer{"payments.answer_offer",
                                        "UPDATE offers SET status = 'pending', answer = ?, amount_fen = ?, "
                                        "due_on = ? WHERE id = ? AND status = ?"};
inline constexpr Statement kExpireOffer{"payments.expire_offer",
                                        "UPDATE offers SET status = 'expired' WHERE id = ? AND status = ?"};

// ---- claims ----
inline constexpr Statement kInsertClaim{
    "payments.insert_claim",
    "INSERT INTO offer_claims (item_id, department_id, uscc, enterprise_name, text, verdict, trace, status, "
    "due_on, "
    "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id"};
inline constexpr Statement kClaims{
    "payments.claims",
    "SELECT id, item_id, department_id, uscc, enterprise_name, text, verdict, trace, status, answer, due_on, "
    "created_at FROM offer_claims WHERE (? = '' OR uscc = ?) AND (? = 0 OR department_id = ?) "
    "ORDER BY id DESC LIMIT ? OFFSET ?"};
inline constexpr Statement kCountClaims{
    "payments.count_claims",
    "SELECT COUNT(*) AS n FROM offer_claims WHERE (? = '' OR uscc = ?) AND (? = 0 OR department_id = ?)"};
inline constexpr Statement kGetClaim{
    "payments.get_claim",
    "SELECT id, item_id, department_id, uscc, enterprise_name, text, verdict, trace, status, answer, due_on, "
    "created_at FROM offer_claims WHERE id = ?"};
inline constexpr Statement kAnswerClaim{"payments.answer_claim",
                                        "UPDATE offer_claims SET status = 'answered', answer = ?, "
                                        "answered_at = ? WHERE id = ? AND status = 'open'"};

// ---- bank accounts ----
inline constexpr Statement kInsertAccount{
    "payments.insert_account",
    "INSERT INTO bank_accounts (uscc, account_name, bank_name, number_sealed, number_lookup, masked, "
    "created_by, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uscc, number_lookup) DO NOTHING"};
inline constexpr Statement kAccountByLookup{
    "payments.account_by_lookup",
    "SELECT id, uscc, account_name, bank_name, masked, created_at FROM bank_accounts WHERE uscc = ? AND "
    "number_lookup = ?"};
inline constexpr Statement kAccountsOf{"payments.accounts_of",
                                       "SELECT id, uscc, account_name, bank_name, masked, created_at FROM "
                                       "bank_accounts WHERE uscc = ? ORDER BY id"};
inline constexpr Statement kAccountSecret{
    "payments.account_secret",
    "SELECT id, uscc, account_name, bank_name, number_sealed, masked FROM bank_accounts WHERE id = ?"};

// ---- support list ----
inline constexpr Statement kInsertPaymentEntry{
    "payments.insert_payment_entry",
    "INSERT INTO payment_entries (item_id, department_id, uscc, enterprise_name, amount_fen, source, "
    "source_id, "
    "status, bank_account_id, approved_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) "
    "ON CONFLICT (source, source_id) DO NOTHING"};
inline constexpr Statement kApprovedApplications{
    "payments.approved_applications",
    "SELECT a.id, a.item_id, a.department_id, a.uscc, a.enterprise_name, a.amount_approved_fen, a.decided_at "
    "FROM applications a LEFT JOIN payment_entries p ON p.source = 'application' AND p.source_id = a.id "
    "WHERE a.status = 'approved' AND a.amount_approved_fen > 0 AND p.id IS NULL AND (? = 0 OR "
    "a.department_id = ?) "
    "ORDER BY a.id"};
inline constexpr Statement kDefaultAccount{
    "payments.default_account", "SELECT id FROM bank_accounts WHERE uscc = ? ORDER BY id DESC LIMIT 1"};
inline constexpr Statement kGetPaymentEntry{
    "payments.get_payment_entry",
    "SELECT p.*, COALESCE(b.masked, '') AS masked FROM payment_entries p "
    "LEFT JOIN bank_accounts b ON b.id = p.bank_account_id WHERE p.id = ?"};
inline constexpr Statement kPaymentEntries{
    "payments.payment_entries",
    "SELECT p.*, COALESCE(b.masked, '') AS masked FROM payment_entries p "
    "LEFT JOIN bank_accounts b ON b.id = p.bank_account_id "
    "WHERE (? = 0 OR p.department_id = ?) AND (? = 0 OR p.item_id = ?) AND (? = '' OR p.status = ?) "
    "AND (? = '' OR p.uscc = ?) AND (? = 0 OR p.batch_id = ?) ORDER BY p.id LIMIT ? OFFSET ?"};
inline constexpr Statement kCountPaymentEntries{
    "payments.count_payment_entries",
    "SELECT COUNT(*) AS n FROM payment_entries p WHERE (? = 0 OR p.department_id = ?) AND (? = 0 OR "
    "p.item_id = ?) "
    "AND (? = '' OR p.status = ?) AND (? = '' OR p.uscc = ?) AND (? = 0 OR p.batch_id = ?)"};
inline constexpr Statement kItemName{
    "payments.item_name",
    "SELECT c.name FROM items i JOIN item_catalogue c ON c.id = i.catalogue_id WHERE i.id = ?"};
inline constexpr Statement kCurrentEntry{"payments.entry_status",
                                         "SELECT status FROM payment_entries WHERE id = ?"};
inline constexpr Statement kConfirmEntry{
    "payments.confirm_entry",
    "UPDATE payment_entries SET status = 'confirmed', due_on = ? WHERE id = ? AND status = ?"};
inline constexpr Statement kEntryToBatch{
    "payments.entry_to_batch",
    "UPDATE payment_entries SET status = 'in_batch', batch_id = ?, attempts = attempts + 1 WHERE id = ? AND "
    "status = ?"};
inline constexpr Statement kEntryResult{"payments.entry_result",
                                        "UPDATE payment_entries SET status = ?, paid_on = ?, bank_message = "
                                        "?, bank_reference = ? WHERE id = ? AND "
                                        "status = ?"};
inline constexpr Statement kReissueEntry{"payments.reissue_entry",
                                         "UPDATE payment_entries SET status = 'confirmed', batch_id = NULL, "
                                         "bank_account_id = ?, bank_message = '' "
                                         "WHERE id = ? AND status = ?"};

// ---- budgets and batches ----
inline constexpr Statement kUpsertBudget{
    "payments.upsert_budget",
    "INSERT INTO budgets (item_id, funding_source, total_fen, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (item_id, funding_source) DO UPDATE SET total_fen = excluded.total_fen, "
    "updated_at = excluded.updated_at"};
inline constexpr Statement kBudgetOf{"payments.budget_of",
                                     "SELECT id, item_id, funding_source, total_fen, committed_fen, paid_fen "
                                     "FROM budgets WHERE item_id = ? AND "
                                     "funding_source = ?"};
inline constexpr Statement kBudgetById{
    "payments.budget_by_id",
    "SELECT id, item_id, funding_source, total_fen, committed_fen, paid_fen FROM budgets WHERE id = ?"};
inline constexpr Statement kBudgets{
    "payments.budgets",
    "SELECT b.id, b.item_id, b.funding_source, b.total_fen, b.committed_fen, b.paid_fen FROM budgets b "
    "JOIN items i ON i.id = b.item_id WHERE (? = 0 OR i.department_id = ?) ORDER BY b.item_id, "
    "b.funding_source"};
//! Commits `amount` only if it fits: the guard is in the WHERE (no read-then-write race).
inline constexpr Statement kCommitBudget{
    "payments.commit_budget",
    "UPDATE budgets SET committed_fen = committed_fen + ?, updated_at = ? WHERE id = ? AND "
    "total_fen - committed_fen - paid_fen >= ?"};
inline constexpr Statement kPayBudget{"payments.pay_budget",
                                      "UPDATE budgets SET committed_fen = committed_fen - ?, paid_fen = "
                                      "paid_fen + ?, updated_at = ? WHERE id = ? "
                                      "AND committed_fen >= ?"};
inline constexpr Statement kReleaseBudget{"payments.release_budget",
                                          "UPDATE budgets SET committed_fen = committed_fen - ?, updated_at "
                                          "= ? WHERE id = ? AND committed_fen >= ?"};
inline constexpr Statement kInsertMove{"payments.insert_move",
                                       "INSERT INTO budget_moves (budget_id, kind, amount_fen, batch_id, "
                                       "entry_id, created_at) VALUES (?, ?, ?, ?, ?, ?)"};
inline constexpr Statement kCountBatchesOn{"payments.count_batches_on",
                                           "SELECT COUNT(*) AS n FROM payment_batches WHERE batch_no LIKE ?"};
inline constexpr Statement kInsertBatch{
    "payments.insert_batch",
    "INSERT INTO payment_batches (batch_no, item_id, budget_id, status, entry_count, total_fen, created_by, "
    "created_at) VALUES (?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id"};
inline constexpr Statement kInsertLine{"payments.insert_line",
                                       "INSERT INTO batch_lines (batch_id, entry_id, amount_fen, "
                                       "account_name, bank_name, bank_account_id) VALUES (?, ?, ?, ?, ?, ?)"};
inline constexpr Statement kGetBatch{
    "payments.get_batch",
    "SELECT pb.*, b.funding_source, u.display_name AS created_by_name, "
    "(SELECT COUNT(*) FROM batch_lines l WHERE l.batch_id = pb.id AND l.result = 'paid') AS n_paid, "
    "(SELECT COUNT(*) FROM batch_lines l WHERE l.batch_id = pb.id AND l.result = 'failed') AS n_failed, "
    "(SELECT COUNT(*) FROM batch_lines l WHERE l.batch_id = pb.id AND l.result = 'returned') AS n_returned "
    "FROM payment_batches pb JOIN budgets b ON b.id = pb.budget_id JOIN users u ON u.id = pb.created_by "
    "WHERE pb.id = ?"};
inline constexpr Statement kBatches{
    "payments.batches",
    "SELECT pb.*, b.funding_source, u.display_name AS created_by_name, "
    "(SELECT COUNT(*) FROM batch_lines l WHERE l.batch_id = pb.id AND l.result = 'paid') AS n_paid, "
    "(SELECT COUNT(*) FROM batch_lines l WHERE l.batch_id = pb.id AND l.result = 'failed') AS n_failed, "
    "(SELECT COUNT(*) FROM batch_lines l WHERE l.batch_id = pb.id AND l.result = 'returned') AS n_returned "
    "FROM payment_batches pb JOIN budgets b ON b.id = pb.budget_id JOIN users u ON u.id = pb.created_by "
    "ORDER BY pb.id DESC LIMIT ? OFFSET ?"};
inline constexpr Statement kCountBatches{"payments.count_batches",
                                         "SELECT COUNT(*) AS n FROM payment_batches"};
inline constexpr Statement kCurrentBatch{"payments.batch_status",
                                         "SELECT status FROM payment_batches WHERE id = ?"};
inline constexpr Statement kExportBatch{
    "payments.export_batch",
    "UPDATE payment_batches SET status = 'exported', exported_at = ? WHERE id = ? AND status = ?"};
inline constexpr Statement kSettleBatch{
    "payments.settle_batch",
    "UPDATE payment_batches SET status = 'settled', settled_at = ? WHERE id = ? AND status = ?"};
inline constexpr Statement kLinesOf{
    "payments.lines_of",
    "SELECT l.entry_id, l.amount_fen, l.account_name, l.bank_name, l.result, l.bank_account_id, p.uscc, "
    "p.item_id FROM batch_lines l JOIN payment_entries p ON p.id = l.entry_id WHERE l.batch_id = ? "
    "ORDER BY l.entry_id"};
inline constexpr Statement kSetLineResult{
    "payments.set_line_result",
    "UPDATE batch_lines SET result = ? WHERE batch_id = ? AND entry_id = ? AND result IS NULL"};
inline constexpr Statement kOpenLines{
    "payments.open_lines", "SELECT COUNT(*) AS n FROM batch_lines WHERE batch_id = ? AND result IS NULL"};
inline constexpr Statement kResultFileSeen{
    "payments.result_file_seen", "SELECT id FROM bank_result_files WHERE batch_id = ? AND sha256 = ?"};
inline constexpr Statement kInsertResultFile{"payments.insert_result_file",
                                             "INSERT INTO bank_result_files (batch_id, sha256, lines, "
                                             "imported_by, imported_at) VALUES (?, ?, ?, ?, ?)"};

// ---- subsidy records ----
inline constexpr Statement kInsertRecord{
    "payments.insert_record",
    "INSERT INTO subsidy_records (record_key, uscc, enterprise_name, item_id, item_key, exclusive_group, "
    "department_id, amount_fen, paid_on, funding_source, basis_doc, project, period, source, "
    "payment_entry_id, "
    "arrived_at, working_days, late, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?) "
    "ON CONFLICT (record_key) DO NOTHING"};
inline constexpr Statement kRecords{
    "payments.records",
    "SELECT r.*, d.name AS department_name FROM subsidy_records r JOIN departments d ON d.id = "
    "r.department_id "
    "WHERE (? = 0 OR r.department_id = ?) AND (? = '' OR r.uscc = ?) AND (? = 0 OR r.late = 1) "
    "ORDER BY r.id DESC LIMIT ? OFFSET ?"};
inline constexpr Statement kCountRecords{"payments.count_records",
                                         "SELECT COUNT(*) AS n FROM subsidy_records r WHERE (? = 0 OR "
                                         "r.department_id = ?) AND (? = '' OR r.uscc = ?) "
                                         "AND (? = 0 OR r.late = 1)"};
inline constexpr Statement kAllRecords{"payments.all_records",
                                       "SELECT r.id, r.uscc, r.enterprise_name, r.item_key, "
                                       "r.exclusive_group, r.period, r.project, r.department_id, "
                                       "r.amount_fen FROM subsidy_records r ORDER BY r.uscc, r.id"};

// ---- reconciliation ----
inline constexpr Statement kBatchTotals{
    "payments.batch_totals",
    "SELECT pb.id, pb.batch_no, pb.total_fen, pb.entry_count, COALESCE(SUM(l.amount_fen), 0) AS line_total, "
    "COUNT(l.entry_id) AS line_count FROM payment_batches pb LEFT JOIN batch_lines l ON l.batch_id = pb.id "
    "GROUP BY pb.id, pb.batch_no, pb.total_fen, pb.entry_count ORDER BY pb.id"};
inline constexpr Statement kBudgetTotals{
    "payments.budget_totals",
    "SELECT b.id, b.total_fen, b.committed_fen, b.paid_fen, "
    "COALESCE((SELECT SUM(amount_fen) FROM budget_moves m WHERE m.budget_id = b.id AND m.kind = 'commit'), "
    "0) AS c, "
    "COALESCE((SELECT SUM(amount_fen) FROM budget_moves m WHERE m.budget_id = b.id AND m.kind = 'release'), "
    "0) AS r, "
    "COALESCE((SELECT SUM(amount_fen) FROM budget_moves m WHERE m.budget_id = b.id AND m.kind = 'pay'), 0) "
    "AS p, "
    "COALESCE((SELECT SUM(l.amount_fen) FROM batch_lines l JOIN payment_batches pb ON pb.id = l.batch_id "
    "WHERE pb.budget_id = b.id AND l.result = 'paid'), 0) AS lines_paid, "
    "COALESCE((SELECT SUM(l.amount_fen) FROM batch_lines l JOIN payment_batches pb ON pb.id = l.batch_id "
    "WHERE pb.budget_id = b.id AND l.result IS NULL), 0) AS lines_open FROM budgets b ORDER BY b.id"};
inline constexpr Statement kEntryLines{
    "payments.entry_lines",
    "SELECT p.id, p.status, p.amount_fen, "
    "(SELECT COUNT(*) FROM batch_lines l WHERE l.entry_id = p.id AND l.result = 'paid') AS paid_lines, "
    "(SELECT COUNT(*) FROM batch_lines l WHERE l.entry_id = p.id AND l.result IS NULL) AS open_lines "
    "FROM payment_entries p ORDER BY p.id"};

}  // namespace huiqi::payments::detail
