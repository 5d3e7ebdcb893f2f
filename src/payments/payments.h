#pragma once
// 免申即享 offers, payments and subsidy records (issue 14; 江阴办法 第二十条(一)1, 常州办法 第二十五、
// 二十七、三十、三十一条). From a rule to money in the enterprise's account:
//
//   offer list (derived from the item's rule with the bitmap engine, or uploaded) → approved by a
//   reviewer of the department → one offer per enterprise, told in its inbox and by SMS, with the
//   decision trace it was made from → confirmed with a bank account | declined | objected |
//   expired → support list (with the applications the workflow approved) → confirmed by the
//   department → finance's payment batch, within the item's budget → bank file → the bank's result
//   file → paid | failed (re-issued) | returned → a subsidy record, and the records departments
//   import from their own systems, each with its timeliness in working days.
//
// Money is integer fen. Every status change is one transaction with its audit row, guarded by the
// status read (state/machine.h): a lost race is 409, never a double confirmation or a double
// payment. A list, a batch and an import are written in one transaction: a crash leaves none of
// it (all-or-nothing, docs/payments.md).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"

namespace huiqi::payments {

//! The periods of the path of the money, in working days ([payments] in huiqi.toml).
struct PaymentsOptions {
  int confirm_days = 10;       // an offer is confirmed within this (working days)
  int remind_before_days = 2;  // a reminder this many working days before the offer's deadline
  int pay_days = 10;           // a confirmed support-list entry is paid within this (working days)
  int record_days = 5;         // 常州办法 第三十条: subsidy data within 5 working days of paying
  int claim_answer_days = 5;   // an objection or a claim is answered within this (working days)
  int unpaid_flag_days = 30;   // "approved N working days ago, not yet paid" flagged to finance
};

// ---- offer lists and offers ----

//! draft → sent (approved by a reviewer: the offers go out) | discarded.
struct OfferList {
  int64_t id = 0;
  int64_t item_id = 0;
  std::string item_name;
  int64_t department_id = 0;
  std::string status;  // draft | sent | discarded
  std::string source;  // rule | upload
  std::string rule_text;
  int64_t rule_version = 0;
  int64_t entries = 0, total_fen = 0, without_amount = 0;
  int confirm_days = 10;  // working days the enterprise has to confirm
  int64_t created_by_id = 0;
  std::string created_by, approved_by, created_at, approved_at, note;
};

struct OfferListEntry {
  int64_t id = 0;
  std::string uscc, name;
  std::optional<int64_t> amount_fen;
  std::string basis;  // 定额 30万元 / 按研发费用的5%，最高100万元 / 名单导入
  nlohmann::json trace = nlohmann::json::array();  // conditions met, in Chinese
};

//! pending → confirmed | declined | objected (→ pending when the department answers) | expired.
struct Offer {
  int64_t id = 0;
  int64_t list_id = 0;
  int64_t item_id = 0;
  int64_t department_id = 0;
  std::string item_name, department_name;
  std::string uscc, enterprise_name;
  std::optional<int64_t> amount_fen;
  std::string basis;
  std::string status, status_label;
  std::optional<core::Date> due_on;  // the last working day to confirm
  nlohmann::json trace = nlohmann::json::array();
  nlohmann::json facts = nlohmann::json::object();  // the facts with their sources and dates
  int64_t rule_version = 0;
  std::string rule_text;
  std::optional<int64_t> bank_account_id;
  std::string bank_account_masked;
  std::string decline_reason, objection, answer;
  std::string created_at, responded_at;
};

//! An enterprise's bank account for payments: the account name must be the enterprise's name;
//! the number is stored sealed (secrets::KeyRing) and shown masked.
struct BankAccount {
  int64_t id = 0;
  std::string uscc, account_name, bank_name, masked;
  std::string created_at;
};

//! "我符合条件但未收到": an enterprise not on a list asks, with its own trace.
struct Claim {
  int64_t id = 0;
  int64_t item_id = 0;
  std::string item_name, uscc, enterprise_name, text, status, answer;
  std::string verdict;
  nlohmann::json trace = nlohmann::json::array();
  std::optional<core::Date> due_on;
  std::string created_at;
};

// ---- the support list, budgets, batches ----

//! pending (the department confirms) → confirmed → in_batch → paid | failed (→ confirmed again:
//! re-issued) | returned.
struct PaymentEntry {
  int64_t id = 0;
  int64_t item_id = 0;
  std::string item_name;
  int64_t department_id = 0;
  std::string uscc, enterprise_name;
  int64_t amount_fen = 0;
  std::string source;  // offer | application
  int64_t source_id = 0;
  std::string status, status_label;
  std::optional<int64_t> batch_id;
  std::optional<int64_t> bank_account_id;
  std::string bank_account_masked;
  std::optional<core::Date> approved_on, due_on, paid_on;
  std::string bank_message, bank_reference;
  int64_t attempts = 0;
  bool overdue = false;  // due_on passed and not paid
  int64_t working_days_waiting = 0;
};

struct Budget {
  int64_t id = 0;
  int64_t item_id = 0;
  std::string item_name, funding_source;
  int64_t total_fen = 0, committed_fen = 0, paid_fen = 0;
  int64_t remaining_fen() const { return total_fen - committed_fen - paid_fen; }
};

//! open (built) → exported → settled (every entry has the bank's answer).
struct Batch {
  int64_t id = 0;
  std::string batch_no;
  int64_t item_id = 0;
  std::string item_name, funding_source, status;
  int64_t entries = 0, total_fen = 0, paid = 0, failed = 0, returned = 0;
  std::string created_by, created_at, exported_at, settled_at;
};

//! The outcome of an import (a list, a bank result file, subsidy records): every bad line named.
struct ImportReport {
  int64_t rows = 0, accepted = 0, rejected = 0, unchanged = 0;
  bool committed = false;
  nlohmann::json problems = nlohmann::json::array();  // [{line, field, message}]
  std::optional<int64_t> id;                          // the list / import written
};

// ---- subsidy records (奖补数据汇聚) ----

struct SubsidyRecord {
  int64_t id = 0;
  std::string uscc, enterprise_name;
  std::optional<int64_t> item_id;
  std::string item_key, item_name;
  int64_t department_id = 0;
  std::string department_name;
  int64_t amount_fen = 0;
  core::Date paid_on;
  std::string funding_source, basis_doc, project, period, source;  // source: platform | import | api
  std::string arrived_at;
  int64_t working_days_to_record = 0;
  bool late = false;  // more than 5 working days (常州办法 第三十条)
};

struct Duplicate {
  std::string kind;  // same_item_period | exclusive_group | same_project
  std::string kind_label;
  std::string uscc, enterprise_name, detail;
  std::vector<int64_t> record_ids;
  int64_t total_fen = 0;
};

//! The reconciliation: batch totals = sum of their entries = budget movements; committed and paid
//! of every budget equal what its batches say.
struct Reconciliation {
  bool ok = true;
  int64_t batches = 0, budgets = 0, entries = 0;
  std::vector<std::string> problems;
};

//! The Chinese label of a status: `kind` is list | offer | entry | batch | claim (the code itself
//! when unknown).
std::string_view StatusLabel(std::string_view kind, std::string_view status);

}  // namespace huiqi::payments
