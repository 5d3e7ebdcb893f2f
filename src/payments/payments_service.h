#pragma once
// Offers, payments and subsidy records as a service (types in payments.h). Who may do what:
// a department's policy officers build offer lists for their items, its reviewers (or department
// admin) approve them and confirm the support list; an enterprise's admin confirms, declines or
// objects to its own offers (preparers may read them); only finance sets budgets, builds batches
// and imports bank results; departments import their subsidy records; the platform admin sees all.
//
// Thread-safe: state is in the database; every method is one or more transactions.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/calendar.h"
#include "core/date.h"
#include "core/error.h"
#include "core/reference_data.h"
#include "enterprise/profile.h"
#include "match/match_service.h"
#include "notify/notify.h"
#include "payments/payments.h"
#include "policy/policy_service.h"
#include "rules/schema.h"
#include "secrets/keys.h"
#include "store/database.h"

namespace huiqi::payments {

struct PaymentsDeps {
  store::Database& db;
  const core::Clock& clock;
  const core::WorkCalendar& calendar;
  policy::PolicyService& policies;
  enterprise::ProfileService& profiles;
  const rules::Schema& schema;
  const notify::Notifier& notifier;
  const secrets::KeyRing& keys;
  //! The bitmap engine over every enterprise (ids are enterprise row ids).
  const match::MatchService& matches;
  const core::ReferenceData* reference = nullptr;
};

struct Page {
  int page = 1, page_size = 20;
};

//! The count and breakdown a list would have (the bitmap engine), before it is built.
struct ListPreview {
  int64_t eligible = 0, unknown = 0, total = 0;
  nlohmann::json breakdown = nlohmann::json::object();
  std::string rule_text;
  bool has_amount_formula = false;
};

struct NewAccount {
  std::string account_name, bank_name, account_number;
};

class PaymentsService {
 public:
  PaymentsService(PaymentsDeps deps, PaymentsOptions options = {});

  // ---- offer lists (department) ----
  core::Result<ListPreview> PreviewList(const auth::Principal& officer, int64_t item_id);
  //! Derives the list from the item's rule: every eligible enterprise with its trace and the rule
  //! version; amounts from the item's formula, else `default_amount_fen` (else none: 按实际核定).
  //! One transaction (a crash leaves no half list).
  core::Result<OfferList> DeriveList(const auth::Principal& officer, int64_t item_id,
                                     std::optional<int64_t> default_amount_fen, int confirm_days = 0);
  //! A CSV list: header 统一社会信用代码,金额(元),依据 (USCC, amount, basis). Every row is
  //! validated; nothing is written when a row is bad unless `skip_invalid`; the same file for the
  //! same item again returns the list it made (idempotent).
  core::Result<ImportReport> UploadList(const auth::Principal& officer, int64_t item_id,
                                        const std::string& csv, bool skip_invalid, int confirm_days = 0);
  core::Result<OfferList> GetList(const auth::Principal& viewer, int64_t list_id);
  core::Result<std::vector<OfferListEntry>> ListEntries(const auth::Principal& viewer, int64_t list_id,
                                                        Page page, int64_t* total);
  core::Result<std::vector<OfferList>> Lists(const auth::Principal& viewer, std::optional<int64_t> item_id,
                                             Page page, int64_t* total);
  //! A reviewer (or department admin) of the item's department, not the list's author: the list
  //! is approved and every enterprise on it gets its offer, inbox notice and SMS, with the
  //! deadline and reminder jobs. One transaction.
  core::Result<OfferList> ApproveList(const auth::Principal& reviewer, int64_t list_id);
  core::Result<OfferList> DiscardList(const auth::Principal& actor, int64_t list_id,
                                      const std::string& reason);

  // ---- offers (enterprise) ----
  core::Result<std::vector<Offer>> MyOffers(const auth::Principal& ent, Page page, int64_t* total);
  //! Department staff: the offers of their items (by list, by status).
  core::Result<std::vector<Offer>> Offers(const auth::Principal& staff, std::optional<int64_t> list_id,
                                          const std::string& status, Page page, int64_t* total);
  core::Result<Offer> GetOffer(const auth::Principal& viewer, int64_t offer_id);
  //! The enterprise admin confirms with one of its accounts or a new one (saved).
  core::Result<Offer> Confirm(const auth::Principal& ent, int64_t offer_id, std::optional<int64_t> account_id,
                              const std::optional<NewAccount>& account);
  core::Result<Offer> Decline(const auth::Principal& ent, int64_t offer_id, const std::string& reason);
  //! Objects to the amount or the facts: a question to the department with its due date.
  core::Result<Offer> Object(const auth::Principal& ent, int64_t offer_id, const std::string& text);
  //! The department answers; `amount_fen` corrects the offer's amount. Back to pending, the
  //! deadline renewed.
  core::Result<Offer> AnswerObjection(const auth::Principal& staff, int64_t offer_id,
                                      const std::string& answer, std::optional<int64_t> amount_fen);
  //! "我符合条件但未收到" from the item page, with the enterprise's own trace.
  core::Result<Claim> FileClaim(const auth::Principal& ent, int64_t item_id, const std::string& text);
  core::Result<std::vector<Claim>> Claims(const auth::Principal& viewer, Page page, int64_t* total);
  core::Result<Claim> AnswerClaim(const auth::Principal& staff, int64_t claim_id, const std::string& answer);

  // ---- bank accounts (enterprise) ----
  core::Result<std::vector<BankAccount>> Accounts(const auth::Principal& ent);
  core::Result<BankAccount> AddAccount(const auth::Principal& ent, const NewAccount& account);

  // ---- support list (department) and payments (finance) ----
  //! Approved applications with an approved amount join the support list (idempotent).
  core::Result<int64_t> CollectApproved(const auth::Principal& staff);
  core::Result<std::vector<PaymentEntry>> Entries(const auth::Principal& viewer,
                                                  std::optional<int64_t> item_id, const std::string& status,
                                                  Page page, int64_t* total,
                                                  std::optional<int64_t> batch_id = std::nullopt);
  //! The department confirms pending entries of its items (each guarded by its status).
  core::Result<int64_t> ConfirmEntries(const auth::Principal& reviewer, const std::vector<int64_t>& ids);
  core::Result<Budget> SetBudget(const auth::Principal& finance, int64_t item_id,
                                 const std::string& funding_source, int64_t total_fen);
  core::Result<std::vector<Budget>> Budgets(const auth::Principal& viewer);
  //! Finance: the confirmed entries of the item (all, or `ids`) into one batch on the budget of
  //! `funding_source`. kFailedPrecondition "budget_exceeded" when they exceed what remains.
  core::Result<Batch> CreateBatch(const auth::Principal& finance, int64_t item_id,
                                  const std::string& funding_source, const std::vector<int64_t>& ids);
  core::Result<std::vector<Batch>> Batches(const auth::Principal& finance, Page page, int64_t* total);
  core::Result<Batch> GetBatch(const auth::Principal& finance, int64_t batch_id);
  //! The bank payment file (docs/payments.md layout, UTF-8 CSV); marks the batch exported.
  core::Result<std::string> ExportBatch(const auth::Principal& finance, int64_t batch_id);
  //! The bank's result file. Refused whole, the line named, for an unknown entry, a wrong amount,
  //! a duplicated line or a wrong 合计; the same file again changes nothing.
  core::Result<ImportReport> ImportBankResult(const auth::Principal& finance, int64_t batch_id,
                                              const std::string& csv);
  //! A failed entry goes back to confirmed for the next batch (optionally another account).
  core::Result<PaymentEntry> Reissue(const auth::Principal& finance, int64_t entry_id,
                                     std::optional<int64_t> account_id);

  // ---- the enterprise's 我的兑付 ----
  struct MyPayments {
    std::vector<Offer> offers;
    std::vector<PaymentEntry> entries;
  };
  core::Result<MyPayments> Mine(const auth::Principal& ent);

  // ---- subsidy records ----
  //! CSV: 统一社会信用代码,事项编码,金额(元),拨付日期,资金来源,文件依据,项目,所属期 (docs/payments.md).
  core::Result<ImportReport> ImportRecords(const auth::Principal& staff, const std::string& csv,
                                           bool skip_invalid, const std::string& source = "import");
  core::Result<std::vector<SubsidyRecord>> Records(const auth::Principal& viewer, const std::string& uscc,
                                                   bool late_only, Page page, int64_t* total);
  core::Result<std::vector<Duplicate>> Duplicates(const auth::Principal& viewer);

  core::Result<Reconciliation> Reconcile();

  // ---- jobs ----
  core::Status OnOfferReminder(store::Session& tx, int64_t offer_id);
  core::Status OnOfferExpiry(store::Session& tx, int64_t offer_id);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

//! The reconciliation on its own (`huiqi payments check`): read-only, one snapshot.
core::Result<Reconciliation> Reconcile(store::Database& db);

//! Checks an account number (digits, 9–30 after removing spaces) and masks it: "6222 **** 1234".
core::Result<std::string> NormalizeAccountNumber(std::string_view number);
std::string MaskAccountNumber(std::string_view digits);

}  // namespace huiqi::payments
