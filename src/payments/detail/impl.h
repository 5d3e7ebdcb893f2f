#pragma once
// What the payments service's files share. Not for other modules.

#include <map>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "payments/detail/repository.h"
#include "payments/payments_service.h"

namespace huiqi::payments {

struct PaymentsService::Impl {
  PaymentsDeps d;
  PaymentsOptions options;

  std::string Now() const { return core::FormatTimestamp(d.clock.Now()); }
  core::Date Today() const { return core::ShanghaiDate(d.clock.Now()); }
  core::Date Due(core::Date from, int days) const {
    return d.calendar.AddWorkingDays(from, std::max(days, 0));
  }
  //! The instant a deadline on `day` has passed: the start of the next day, Shanghai time.
  int64_t EndOf(core::Date day) const { return core::UnixSeconds(core::ShanghaiMidnight(day.AddDays(1))); }

  // Access.
  //! A published item the caller's department owns (platform admin: any).
  core::Result<policy::Item> OwnItem(const auth::Principal& p, int64_t item_id) const;
  static bool IsReviewer(const auth::Principal& p);
  static bool IsFinance(const auth::Principal& p);
  static core::Status RequireEnterpriseAdmin(const auth::Principal& p, std::string_view uscc);
  //! 0 for the platform admin and finance (every department), else the caller's department.
  static int64_t DepartmentScope(const auth::Principal& p);

  core::Status Audit(store::Session& s, const auth::Principal& actor, std::string_view action,
                     std::string_view entity, int64_t id, const nlohmann::json& before,
                     const nlohmann::json& after) const;
  //! Every active account of the enterprise: inbox + SMS.
  core::Status TellEnterprise(store::Session& s, const std::string& uscc, std::string kind, std::string title,
                              std::string body, std::string link, std::string entity, int64_t entity_id,
                              const std::string& sms_template,
                              std::map<std::string, std::string> params) const;
  core::Status TellDepartment(store::Session& s, int64_t department_id, std::string kind, std::string title,
                              std::string body, std::string link, std::string entity,
                              int64_t entity_id) const;
  core::Status TellFinance(store::Session& s, std::string kind, std::string title, std::string body,
                           std::string link, std::string entity, int64_t entity_id) const;

  //! The item's rule on one enterprise's facts as a trace (conditions in Chinese), its verdict, and
  //! the facts with their sources.
  struct Traced {
    std::string verdict;
    nlohmann::json trace = nlohmann::json::array();
    nlohmann::json facts = nlohmann::json::object();
  };
  Traced TraceOf(const rules::Node& rule, const rules::Facts& facts, const std::string& as_of) const;

  core::Result<Offer> LoadOffer(store::Session& s, int64_t id) const;
  core::Result<PaymentEntry> LoadEntry(store::Session& s, int64_t id) const;
  //! Schedules the reminder and the expiry of an offer due on `due`.
  //! The reminder and expiry jobs of an offer's deadline; keyed by the deadline.
  core::Status ScheduleOfferJobs(store::Session& s, int64_t offer_id, core::Date due) const;
  static std::string OfferJobSuffix(int64_t offer_id, core::Date due);
  static core::Status CancelOfferJobs(store::Session& s, const Offer& o);
  //! A paid entry's subsidy record (source platform).
  core::Status RecordPayment(store::Session& s, const PaymentEntry& e, core::Date paid_on,
                             const std::string& funding_source, int64_t batch_id) const;
  //! The item's name; `memo` (a list's own) keeps a page of rows from asking once per row.
  std::string ItemName(int64_t item_id, std::map<int64_t, std::string>* memo = nullptr) const;
  std::string ItemName(store::Session& s, int64_t item_id) const;  // in the caller's transaction
};

//! "120000.00" (yuan with two decimals) for files.
std::string YuanText(int64_t fen);

}  // namespace huiqi::payments

namespace huiqi::payments {
//! Lower-case hex SHA-256 of `data` (an uploaded file's identity: re-imports are idempotent).
std::string Sha256Hex(std::string_view data);
}  // namespace huiqi::payments
