// The payments service: construction, access checks, notices and traces shared by its parts
// (offers.cpp, payouts.cpp, records.cpp).
#include "payments/payments_service.h"

#include <openssl/evp.h>

#include <cctype>

#include "payments/detail/impl.h"
#include "rules/evaluator.h"
#include "rules/trace.h"
#include "schedule/scheduler.h"

namespace huiqi::payments {

using core::Result;
using core::Status;
using nlohmann::json;
using store::Session;

PaymentsService::PaymentsService(PaymentsDeps deps, PaymentsOptions options)
    : impl_(std::make_shared<Impl>(Impl{deps, options})) {}

std::string YuanText(int64_t fen) {
  std::string s = std::to_string(fen / 100) + ".";
  int64_t cents = fen % 100;
  if (cents < 10) s += "0";
  return s + std::to_string(cents);
}

Result<std::string> NormalizeAccountNumber(std::string_view number) {
  std::string digits;
  for (char c : number) {
    if (c == ' ' || c == '-') continue;
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return core::InvalidArgument("account_number", "account_number_invalid", "银行账号只能包含数字",
                                   "an account number has digits only");
    }
    digits += c;
  }
  if (digits.size() < 9 || digits.size() > 30) {
    return core::InvalidArgument("account_number", "account_number_invalid", "银行账号应为 9 至 30 位数字",
                                 "an account number has 9 to 30 digits");
  }
  return digits;
}

std::string MaskAccountNumber(std::string_view digits) {
  if (digits.size() < 8) return "****";
  return std::string(digits.substr(0, 4)) + " **** " + std::string(digits.substr(digits.size() - 4));
}

// ---- access ----

bool PaymentsService::Impl::IsReviewer(const auth::Principal& p) {
  return p.Is(auth::UserKind::kPlatformAdmin) || p.HasRole(auth::Role::kReviewer) ||
         p.HasRole(auth::Role::kDepartmentAdmin);
}

bool PaymentsService::Impl::IsFinance(const auth::Principal& p) { return p.Is(auth::UserKind::kFinance); }

int64_t PaymentsService::Impl::DepartmentScope(const auth::Principal& p) {
  if (p.Is(auth::UserKind::kDepartmentStaff) && p.department_id) return *p.department_id;
  return 0;
}

Status PaymentsService::Impl::RequireEnterpriseAdmin(const auth::Principal& p, std::string_view uscc) {
  HQ_RETURN_IF_ERROR(auth::RequireEnterprise(p, uscc));
  if (p.Is(auth::UserKind::kEnterprise) && !p.HasRole(auth::Role::kEnterpriseAdmin)) {
    return core::PermissionDenied("只有企业管理员可以确认、放弃免申即享或对其提出异议",
                                  "only the enterprise admin answers an offer");
  }
  return core::Ok();
}

Result<policy::Item> PaymentsService::Impl::OwnItem(const auth::Principal& p, int64_t item_id) const {
  HQ_ASSIGN_OR_RETURN(policy::Item item, d.policies.GetItem(&p, item_id));
  HQ_RETURN_IF_ERROR(auth::RequireDepartment(p, item.department.id));
  return item;
}

std::string PaymentsService::Impl::ItemName(int64_t item_id, std::map<int64_t, std::string>* memo) const {
  if (memo) {
    if (auto it = memo->find(item_id); it != memo->end()) return it->second;
  }
  auto read =
      d.db.ReadValue<std::string>([&](Session& s) -> Result<std::string> { return ItemName(s, item_id); });
  std::string name = read.ok() ? *read : "事项 " + std::to_string(item_id);
  if (memo) (*memo)[item_id] = name;
  return name;
}

// In the caller's session: a second pooled connection taken inside a transaction deadlocks when
// every connection is held by such a caller (four concurrent confirmations on SQLite did).
std::string PaymentsService::Impl::ItemName(Session& s, int64_t item_id) const {
  auto row = s.QueryOne(detail::kItemName, {item_id}, "事项", "item");
  return row.ok() ? row->Text("name") : "事项 " + std::to_string(item_id);
}

// ---- effects written with every change ----

Status PaymentsService::Impl::Audit(Session& s, const auth::Principal& actor, std::string_view action,
                                    std::string_view entity, int64_t id, const json& before,
                                    const json& after) const {
  audit::Actor a{actor.user_id > 0 ? std::optional<int64_t>(actor.user_id) : std::nullopt,
                 actor.login.empty() ? "system" : actor.login};
  return audit::Record(s, d.clock, a, action, entity, std::to_string(id), before, after);
}

Status PaymentsService::Impl::TellEnterprise(Session& s, const std::string& uscc, std::string kind,
                                             std::string title, std::string body, std::string link,
                                             std::string entity, int64_t entity_id,
                                             const std::string& sms_template,
                                             std::map<std::string, std::string> params) const {
  HQ_ASSIGN_OR_RETURN(auto users, s.Query(detail::kUsersOfEnterprise, {uscc}));
  for (const auto& u : users) {
    notify::Notice n;
    n.user_id = u.Int("id");
    n.kind = kind;
    n.title = title;
    n.body = body;
    n.link = link;
    n.entity = entity;
    n.entity_id = std::to_string(entity_id);
    std::vector<notify::Delivery> deliveries;
    if (!sms_template.empty()) {
      HQ_ASSIGN_OR_RETURN(auto sms, d.notifier.SmsTo(s, u.Int("id"), sms_template, params));
      if (sms) deliveries.push_back(*sms);
    }
    HQ_ASSIGN_OR_RETURN(int64_t id, d.notifier.Send(s, n, deliveries));
    (void)id;
  }
  return core::Ok();
}

Status PaymentsService::Impl::TellDepartment(Session& s, int64_t department_id, std::string kind,
                                             std::string title, std::string body, std::string link,
                                             std::string entity, int64_t entity_id) const {
  notify::Notice n;
  n.department_id = department_id;
  n.kind = std::move(kind);
  n.title = std::move(title);
  n.body = std::move(body);
  n.link = std::move(link);
  n.entity = std::move(entity);
  n.entity_id = std::to_string(entity_id);
  HQ_ASSIGN_OR_RETURN(int64_t id, d.notifier.Send(s, n, {}));
  (void)id;
  return core::Ok();
}

Status PaymentsService::Impl::TellFinance(Session& s, std::string kind, std::string title, std::string body,
                                          std::string link, std::string entity, int64_t entity_id) const {
  HQ_ASSIGN_OR_RETURN(auto users, s.Query(detail::kFinanceUsers));
  for (const auto& u : users) {
    notify::Notice n;
    n.user_id = u.Int("id");
    n.kind = kind;
    n.title = title;
    n.body = body;
    n.link = link;
    n.entity = entity;
    n.entity_id = std::to_string(entity_id);
    HQ_ASSIGN_OR_RETURN(int64_t id, d.notifier.Send(s, n, {}));
    (void)id;
  }
  return core::Ok();
}

PaymentsService::Impl::Traced PaymentsService::Impl::TraceOf(const rules::Node& rule,
                                                             const rules::Facts& facts,
                                                             const std::string& as_of) const {
  Traced t;
  rules::CodeNamer namer = d.reference ? rules::ReferenceNamer(*d.reference) : rules::CodeNamer{};
  rules::Evaluation e = rules::Explain(rule, d.schema, facts, Today(), namer);
  t.verdict = std::string(rules::TruthCode(e.verdict));
  std::vector<rules::Truth> outcomes;
  for (const auto& c : e.conditions) outcomes.push_back(c.outcome);
  std::vector<bool> not_needed = rules::NotNeeded(rule, outcomes);
  for (size_t i = 0; i < e.conditions.size(); ++i) {
    const auto& c = e.conditions[i];
    bool needed = i >= not_needed.size() || !not_needed[i];
    t.trace.push_back({{"condition", c.description},
                       {"actual", c.actual},
                       {"result", rules::TruthCode(c.outcome)},
                       {"result_label", needed ? std::string(rules::TruthLabel(c.outcome))
                                               : std::string("无需满足（同组其他条件已满足）")},
                       {"needed", needed}});
    if (c.attr.empty()) continue;
    const rules::AttributeDef* def = d.schema.Find(c.attr);
    t.facts[c.attr] = {{"label", def ? def->label : c.attr},
                       {"value", c.actual},
                       {"source", def ? def->source : ""},
                       {"as_of", as_of}};
  }
  return t;
}

Result<Offer> PaymentsService::Impl::LoadOffer(Session& s, int64_t id) const {
  HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(detail::kGetOffer, {id}, "免申即享确认", "offer"));
  Offer o = detail::OfferFromRow(row);
  o.item_name = ItemName(s, o.item_id);
  return o;
}

Result<PaymentEntry> PaymentsService::Impl::LoadEntry(Session& s, int64_t id) const {
  HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(detail::kGetPaymentEntry, {id}, "兑付明细", "payment entry"));
  PaymentEntry e = detail::EntryFromRow(row);
  e.item_name = ItemName(s, e.item_id);
  core::Date today = Today();
  if (e.approved_on) e.working_days_waiting = d.calendar.WorkingDaysBetween(*e.approved_on, today);
  e.overdue = e.status != "paid" && e.due_on && *e.due_on < today;
  return e;
}

Status PaymentsService::Impl::ScheduleOfferJobs(Session& s, int64_t offer_id, core::Date due) const {
  std::string suffix = OfferJobSuffix(offer_id, due);
  json payload = {{"offer_id", offer_id}};
  core::Date remind = d.calendar.AddWorkingDays(due, -std::max(options.remind_before_days, 1));
  if (remind > Today()) {
    int64_t at = core::UnixSeconds(core::ShanghaiMidnight(remind)) + 9 * 3600;  // 09:00 that day
    HQ_ASSIGN_OR_RETURN(bool r, schedule::Scheduler::Schedule(s, d.clock, "payments.offer_reminder",
                                                              "offer-remind-" + suffix, at, payload.dump()));
    (void)r;
  }
  HQ_ASSIGN_OR_RETURN(
      bool e, schedule::Scheduler::Schedule(s, d.clock, "payments.offer_expiry", "offer-expiry-" + suffix,
                                            EndOf(due), payload.dump()));
  (void)e;
  return core::Ok();
}

// Keyed by the deadline, so a deadline renewed by an answered objection (as often as that
// happens) gets its own jobs, and the jobs of a confirmed or declined offer are found again.
std::string PaymentsService::Impl::OfferJobSuffix(int64_t offer_id, core::Date due) {
  return std::to_string(offer_id) + "-" + due.ToString();
}

Status PaymentsService::Impl::CancelOfferJobs(Session& s, const Offer& o) {
  if (!o.due_on) return core::Ok();
  std::string suffix = OfferJobSuffix(o.id, *o.due_on);
  HQ_ASSIGN_OR_RETURN(bool expiry, schedule::Scheduler::Cancel(s, "offer-expiry-" + suffix));
  HQ_ASSIGN_OR_RETURN(bool remind, schedule::Scheduler::Cancel(s, "offer-remind-" + suffix));
  (void)expiry;
  (void)remind;
  return core::Ok();
}

// ---- the enterprise's 我的兑付 ----

Result<PaymentsService::MyPayments> PaymentsService::Mine(const auth::Principal& ent) {
  if (!ent.uscc) return core::PermissionDenied("只有企业用户可以查看本企业兑付", "enterprise users only");
  MyPayments out;
  int64_t total = 0;
  HQ_ASSIGN_OR_RETURN(out.offers, MyOffers(ent, Page{1, 100}, &total));
  HQ_ASSIGN_OR_RETURN(out.entries, Entries(ent, std::nullopt, "", Page{1, 100}, &total));
  return out;
}

}  // namespace huiqi::payments

namespace huiqi::payments {
std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}
}  // namespace huiqi::payments
