#include "http/api/payments_api.h"

#include <nlohmann/json.hpp>

#include "core/money.h"
#include "http/api/handlers.h"
#include "http/api/paging.h"

namespace huiqi::http {

using nlohmann::json;
using payments::PaymentsService;

namespace {

//! `<key>_fen` (integer, null when not fixed) and `<key>_display` (元 for people).
void PutMoney(json& j, const std::string& key, std::optional<int64_t> fen) {
  j[key + "_fen"] = OptInt(fen);
  j[key + "_display"] = fen ? json(core::FormatYuan(*fen)) : json();
}

json Labelled(std::string_view kind, const std::string& status) {
  return std::string(payments::StatusLabel(kind, status));
}

json ListJson(const payments::OfferList& l) {
  json j = {{"id", l.id},
            {"item_id", l.item_id},
            {"item_name", l.item_name},
            {"department_id", l.department_id},
            {"status", l.status},
            {"status_label", Labelled("list", l.status)},
            {"source", l.source},
            {"source_label", l.source == "rule" ? "按规则生成" : "名单导入"},
            {"rule_text", l.rule_text},
            {"rule_version", l.rule_version},
            {"entries", l.entries},
            {"without_amount", l.without_amount},
            {"confirm_days", l.confirm_days},
            {"created_by", l.created_by},
            {"approved_by", OptText(l.approved_by)},
            {"created_at", l.created_at},
            {"approved_at", OptText(l.approved_at)},
            {"note", l.note}};
  PutMoney(j, "total", l.total_fen);
  return j;
}

json ListEntryJson(const payments::OfferListEntry& e) {
  json j = {{"id", e.id}, {"uscc", e.uscc}, {"name", e.name}, {"basis", e.basis}, {"trace", e.trace}};
  PutMoney(j, "amount", e.amount_fen);
  return j;
}

json OfferJson(const payments::Offer& o) {
  json j = {{"id", o.id},
            {"list_id", o.list_id},
            {"item_id", o.item_id},
            {"department_id", o.department_id},
            {"item_name", o.item_name},
            {"department_name", o.department_name},
            {"uscc", o.uscc},
            {"enterprise_name", o.enterprise_name},
            {"basis", o.basis},
            {"status", o.status},
            {"status_label", o.status_label},
            {"due_on", DateJson(o.due_on)},
            {"trace", o.trace},
            {"facts", o.facts},
            {"rule_version", o.rule_version},
            {"rule_text", o.rule_text},
            {"bank_account_id", OptInt(o.bank_account_id)},
            {"bank_account_masked", OptText(o.bank_account_masked)},
            {"decline_reason", OptText(o.decline_reason)},
            {"objection", OptText(o.objection)},
            {"answer", OptText(o.answer)},
            {"created_at", o.created_at},
            {"responded_at", OptText(o.responded_at)}};
  PutMoney(j, "amount", o.amount_fen);
  return j;
}

json AccountJson(const payments::BankAccount& a) {
  return {{"id", a.id},
          {"uscc", a.uscc},
          {"account_name", a.account_name},
          {"bank_name", a.bank_name},
          {"masked", a.masked},
          {"created_at", a.created_at}};
}

json ClaimJson(const payments::Claim& c) {
  return {{"id", c.id},
          {"item_id", c.item_id},
          {"item_name", c.item_name},
          {"uscc", c.uscc},
          {"enterprise_name", c.enterprise_name},
          {"text", c.text},
          {"status", c.status},
          {"status_label", Labelled("claim", c.status)},
          {"answer", OptText(c.answer)},
          {"verdict", c.verdict},
          {"trace", c.trace},
          {"due_on", DateJson(c.due_on)},
          {"created_at", c.created_at}};
}

json PaymentEntryJson(const payments::PaymentEntry& e) {
  json j = {{"id", e.id},
            {"item_id", e.item_id},
            {"item_name", e.item_name},
            {"department_id", e.department_id},
            {"uscc", e.uscc},
            {"enterprise_name", e.enterprise_name},
            {"source", e.source},
            {"source_label", e.source == "offer" ? "免申即享" : "申报审批"},
            {"source_id", e.source_id},
            {"status", e.status},
            {"status_label", e.status_label},
            {"batch_id", OptInt(e.batch_id)},
            {"bank_account_id", OptInt(e.bank_account_id)},
            {"bank_account_masked", OptText(e.bank_account_masked)},
            {"approved_on", DateJson(e.approved_on)},
            {"due_on", DateJson(e.due_on)},
            {"paid_on", DateJson(e.paid_on)},
            {"bank_message", OptText(e.bank_message)},
            {"bank_reference", OptText(e.bank_reference)},
            {"attempts", e.attempts},
            {"overdue", e.overdue},
            {"working_days_waiting", e.working_days_waiting}};
  PutMoney(j, "amount", e.amount_fen);
  return j;
}

json BudgetJson(const payments::Budget& b) {
  json j = {
      {"id", b.id}, {"item_id", b.item_id}, {"item_name", b.item_name}, {"funding_source", b.funding_source}};
  PutMoney(j, "total", b.total_fen);
  PutMoney(j, "committed", b.committed_fen);
  PutMoney(j, "paid", b.paid_fen);
  PutMoney(j, "remaining", b.remaining_fen());
  return j;
}

json BatchJson(const payments::Batch& b) {
  json j = {{"id", b.id},
            {"batch_no", b.batch_no},
            {"item_id", b.item_id},
            {"item_name", b.item_name},
            {"funding_source", b.funding_source},
            {"status", b.status},
            {"status_label", Labelled("batch", b.status)},
            {"entries", b.entries},
            {"paid", b.paid},
            {"failed", b.failed},
            {"returned", b.returned},
            {"created_by", b.created_by},
            {"created_at", b.created_at},
            {"exported_at", OptText(b.exported_at)},
            {"settled_at", OptText(b.settled_at)}};
  PutMoney(j, "total", b.total_fen);
  return j;
}

json ReportJson(const payments::ImportReport& r) {
  return {{"rows", r.rows},           {"accepted", r.accepted},   {"rejected", r.rejected},
          {"unchanged", r.unchanged}, {"committed", r.committed}, {"problems", r.problems},
          {"id", OptInt(r.id)}};
}

json RecordJson(const payments::SubsidyRecord& r) {
  json j = {{"id", r.id},
            {"uscc", r.uscc},
            {"enterprise_name", r.enterprise_name},
            {"item_id", OptInt(r.item_id)},
            {"item_key", r.item_key},
            {"item_name", r.item_name},
            {"department_id", r.department_id},
            {"department_name", r.department_name},
            {"paid_on", r.paid_on.ToString()},
            {"funding_source", r.funding_source},
            {"basis_doc", r.basis_doc},
            {"project", r.project},
            {"period", r.period},
            {"source", r.source},
            {"arrived_at", r.arrived_at},
            {"working_days_to_record", r.working_days_to_record},
            {"late", r.late}};
  PutMoney(j, "amount", r.amount_fen);
  return j;
}

json DuplicateJson(const payments::Duplicate& d) {
  json j = {{"kind", d.kind},     {"kind_label", d.kind_label},
            {"uscc", d.uscc},     {"enterprise_name", d.enterprise_name},
            {"detail", d.detail}, {"record_ids", d.record_ids}};
  PutMoney(j, "total", d.total_fen);
  return j;
}

json PreviewJson(const payments::ListPreview& p) {
  return {{"eligible", p.eligible},   {"unknown", p.unknown},
          {"total", p.total},         {"breakdown", p.breakdown},
          {"rule_text", p.rule_text}, {"has_amount_formula", p.has_amount_formula}};
}

bool Flag(const Request& req, const char* name) {
  std::string v = req.Query(name);
  return v == "1" || v == "true";
}

//! ?confirm_days= / {confirm_days}: 0 means the service's default; 1–60 working days.
core::Result<int> ConfirmDays(std::optional<int64_t> days) {
  if (!days) return 0;
  if (*days < 1 || *days > 60) {
    return core::InvalidArgument("confirm_days", "out_of_range", "确认期限应为 1–60 个工作日",
                                 "confirm_days must be 1..60");
  }
  return static_cast<int>(*days);
}

//! A paged list: `call(page, &total)` → rows, each mapped by `to_json`.
template <typename Call, typename ToJson>
Response PageOf(const Request& req, Call&& call, ToJson&& to_json) {
  auto paging = ParsePaging(req);
  if (!paging.ok()) return Response::FromError(paging.error());
  int64_t total = 0;
  auto rows = call(payments::Page{paging->page, paging->page_size}, &total);
  if (!rows.ok()) return Response::FromError(rows.error());
  json items = json::array();
  for (const auto& x : *rows) items.push_back(to_json(x));
  return Response::Ok(PageJson(items, total, *paging));
}

//! An import's report; when nothing was written, 422 import_invalid carrying it.
Response ReportAnswer(const core::Result<payments::ImportReport>& r, int ok_status = 200) {
  if (!r.ok()) return Response::FromError(r.error());
  json report = ReportJson(*r);
  if (!r->committed) {
    int64_t bad = r->rejected > 0 ? r->rejected : static_cast<int64_t>(r->problems.size());
    return Response::Json(
        422, {{"error",
               {{"code", "import_invalid"},
                {"message", "有 " + std::to_string(bad) +
                                " 处数据不合格，未导入任何数据；请按报告修正后重新导入，或选择跳过不合格行"},
                {"field", "file"},
                {"report", report}}},
              {"report", report}});
  }
  return Response::Json(ok_status, report);
}

const Access kEnterprise = Access::Kinds({auth::UserKind::kEnterprise});
const Access kDeptStaff = Access::DepartmentRoles(
    {auth::Role::kPolicyOfficer, auth::Role::kReviewer, auth::Role::kDepartmentAdmin});
const Access kOfficers = Access::DepartmentRoles({auth::Role::kPolicyOfficer, auth::Role::kDepartmentAdmin});
const Access kReviewers = Access::DepartmentRoles({auth::Role::kReviewer, auth::Role::kDepartmentAdmin});
//! Only the paying department's own staff report its subsidy records (常州办法 第三十条): not
//! the platform admin, who has no department to report for.
const Access kOwnStaff = {true,
                          {auth::UserKind::kDepartmentStaff},
                          {auth::Role::kPolicyOfficer, auth::Role::kReviewer, auth::Role::kDepartmentAdmin}};
const Access kFinance = Access::Kinds({auth::UserKind::kFinance});
const Access kMoneyViewers = Access::Kinds(
    {auth::UserKind::kDepartmentStaff, auth::UserKind::kFinance, auth::UserKind::kPlatformAdmin});

void AddListRoutes(Router& router, PaymentsService& svc) {
  router.Add("GET", "/api/v1/dept/items/{id}/offer-preview", kDeptStaff.Owned("item"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) { return Answer(svc.PreviewList(req.User(), id), PreviewJson); });
  });
  router.Add("POST", "/api/v1/dept/items/{id}/offer-lists", kOfficers.Owned("item"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        auto amount = OptIntIn(body, "default_amount_fen");
        if (!amount.ok()) return Response::FromError(amount.error());
        if (*amount && **amount <= 0) {
          return Response::FromError(core::InvalidArgument("default_amount_fen", "out_of_range",
                                                           "默认金额应大于 0", "must be positive"));
        }
        auto days_in = OptIntIn(body, "confirm_days");
        if (!days_in.ok()) return Response::FromError(days_in.error());
        auto days = ConfirmDays(*days_in);
        if (!days.ok()) return Response::FromError(days.error());
        return Answer(svc.DeriveList(req.User(), id, *amount, *days), ListJson, 201);
      });
    });
  });
  router.Add(
      "POST", "/api/v1/dept/items/{id}/offer-lists/upload", kOfficers.Owned("item"), [&svc](Request& req) {
        return WithId(req, [&](int64_t id) {
          auto days_in = QueryInt(req, "confirm_days");
          if (!days_in.ok()) return Response::FromError(days_in.error());
          auto days = ConfirmDays(*days_in);
          if (!days.ok()) return Response::FromError(days.error());
          return ReportAnswer(svc.UploadList(req.User(), id, req.body, Flag(req, "skip_invalid"), *days));
        });
      });
  router.Add("GET", "/api/v1/dept/offer-lists", kDeptStaff, [&svc](Request& req) {
    auto item = QueryId(req, "item_id");
    if (!item.ok()) return Response::FromError(item.error());
    return PageOf(
        req, [&](payments::Page p, int64_t* total) { return svc.Lists(req.User(), *item, p, total); },
        ListJson);
  });
  router.Add("GET", "/api/v1/dept/offer-lists/{id}", kDeptStaff.Owned("offer_list"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) { return Answer(svc.GetList(req.User(), id), ListJson); });
  });
  router.Add(
      "GET", "/api/v1/dept/offer-lists/{id}/entries", kDeptStaff.Owned("offer_list"), [&svc](Request& req) {
        return WithId(req, [&](int64_t id) {
          return PageOf(
              req,
              [&](payments::Page p, int64_t* total) { return svc.ListEntries(req.User(), id, p, total); },
              ListEntryJson);
        });
      });
  router.Add(
      "POST", "/api/v1/dept/offer-lists/{id}/approve", kReviewers.Owned("offer_list"), [&svc](Request& req) {
        return WithId(req, [&](int64_t id) { return Answer(svc.ApproveList(req.User(), id), ListJson); });
      });
  router.Add("POST", "/api/v1/dept/offer-lists/{id}/discard", kDeptStaff.Owned("offer_list"),
             [&svc](Request& req) {
               return WithId(req, [&](int64_t id) {
                 return WithBody(req, [&](const json& body) {
                   return Answer(svc.DiscardList(req.User(), id, Str(body, "reason")), ListJson);
                 });
               });
             });
}

void AddDepartmentRoutes(Router& router, PaymentsService& svc) {
  router.Add("GET", "/api/v1/dept/offers", kDeptStaff, [&svc](Request& req) {
    auto list = QueryId(req, "list_id");
    if (!list.ok()) return Response::FromError(list.error());
    std::string status = req.Query("status");
    return PageOf(
        req,
        [&](payments::Page p, int64_t* total) { return svc.Offers(req.User(), *list, status, p, total); },
        OfferJson);
  });
  router.Add("POST", "/api/v1/dept/offers/{id}/answer", kDeptStaff.Owned("offer"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        auto amount = OptIntIn(body, "amount_fen");
        if (!amount.ok()) return Response::FromError(amount.error());
        return Answer(svc.AnswerObjection(req.User(), id, Str(body, "answer"), *amount), OfferJson);
      });
    });
  });
  router.Add("GET", "/api/v1/dept/claims", kDeptStaff, [&svc](Request& req) {
    return PageOf(
        req, [&](payments::Page p, int64_t* total) { return svc.Claims(req.User(), p, total); }, ClaimJson);
  });
  router.Add("POST", "/api/v1/dept/claims/{id}/answer", kDeptStaff.Owned("claim"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        return Answer(svc.AnswerClaim(req.User(), id, Str(body, "answer")), ClaimJson);
      });
    });
  });
  router.Add("POST", "/api/v1/dept/payment-entries/collect", kDeptStaff, [&svc](Request& req) {
    return Answer(svc.CollectApproved(req.User()), [](int64_t n) { return json{{"collected", n}}; });
  });
  router.Add("POST", "/api/v1/dept/payment-entries/confirm", kReviewers, [&svc](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto ids = body.find("ids");
      if (ids == body.end() || !ids->is_array() || ids->empty()) {
        return Response::FromError(
            core::InvalidArgument("ids", "required", "请选择要确认的兑付明细", "ids: a non-empty array"));
      }
      std::vector<int64_t> list;
      for (const auto& v : *ids) {
        if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
          return Response::FromError(
              core::InvalidArgument("ids", "invalid_id", "ids 应为正整数数组", "ids must be ids"));
        }
        list.push_back(v.get<int64_t>());
      }
      return Answer(svc.ConfirmEntries(req.User(), list), [](int64_t n) { return json{{"confirmed", n}}; });
    });
  });
  router.Add("GET", "/api/v1/payment-entries", kMoneyViewers, [&svc](Request& req) {
    auto item = QueryId(req, "item_id");
    if (!item.ok()) return Response::FromError(item.error());
    std::string status = req.Query("status");
    return PageOf(
        req,
        [&](payments::Page p, int64_t* total) { return svc.Entries(req.User(), *item, status, p, total); },
        PaymentEntryJson);
  });
}

void AddFinanceRoutes(Router& router, PaymentsService& svc) {
  router.Add("GET", "/api/v1/finance/budgets", kMoneyViewers, [&svc](Request& req) {
    return Answer(svc.Budgets(req.User()), [](const auto& list) { return ItemsJson(list, BudgetJson); });
  });
  router.Add("POST", "/api/v1/finance/budgets", kFinance, [&svc](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto item = IdIn(body, "item_id");
      if (!item.ok()) return Response::FromError(item.error());
      auto total = OptIntIn(body, "total_fen");
      if (!total.ok()) return Response::FromError(total.error());
      if (!*total || **total < 0) {
        return Response::FromError(core::InvalidArgument(
            "total_fen", "required", "请填写预算总额（分，不小于 0）", "total_fen: a non-negative integer"));
      }
      return Answer(svc.SetBudget(req.User(), *item, Str(body, "funding_source"), **total), BudgetJson);
    });
  });
  router.Add("POST", "/api/v1/finance/batches", kFinance, [&svc](Request& req) {
    return WithBody(req, [&](const json& body) {
      auto item = IdIn(body, "item_id");
      if (!item.ok()) return Response::FromError(item.error());
      std::vector<int64_t> ids;
      if (auto it = body.find("entry_ids"); it != body.end() && !it->is_null()) {
        if (!it->is_array()) {
          return Response::FromError(
              core::InvalidArgument("entry_ids", "invalid_type", "entry_ids 应为数组", "entry_ids: array"));
        }
        for (const auto& v : *it) {
          if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
            return Response::FromError(core::InvalidArgument("entry_ids", "invalid_id",
                                                             "entry_ids 应为正整数数组", "entry_ids: ids"));
          }
          ids.push_back(v.get<int64_t>());
        }
      }
      return Answer(svc.CreateBatch(req.User(), *item, Str(body, "funding_source"), ids), BatchJson, 201);
    });
  });
  router.Add("GET", "/api/v1/finance/batches", kFinance, [&svc](Request& req) {
    return PageOf(
        req, [&](payments::Page p, int64_t* total) { return svc.Batches(req.User(), p, total); }, BatchJson);
  });
  router.Add("GET", "/api/v1/finance/batches/{id}", kFinance.On("batch"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      auto b = svc.GetBatch(req.User(), id);
      if (!b.ok()) return Response::FromError(b.error());
      auto paging = ParsePaging(req);  // its entries, 100 a page unless asked
      if (!paging.ok()) return Response::FromError(paging.error());
      if (req.Query("page_size").empty()) paging->page_size = 100;
      int64_t total = 0;
      auto entries = svc.Entries(req.User(), std::nullopt, "",
                                 payments::Page{paging->page, paging->page_size}, &total, id);
      if (!entries.ok()) return Response::FromError(entries.error());
      json rows = json::array();
      for (const auto& e : *entries) rows.push_back(PaymentEntryJson(e));
      return Response::Ok({{"batch", BatchJson(*b)},
                           {"entries", rows},
                           {"total", total},
                           {"page", paging->page},
                           {"page_size", paging->page_size}});
    });
  });
  router.Add("GET", "/api/v1/finance/batches/{id}/bank-file", kFinance.On("batch"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      auto b = svc.GetBatch(req.User(), id);
      if (!b.ok()) return Response::FromError(b.error());
      auto file = svc.ExportBatch(req.User(), id);
      if (!file.ok()) return Response::FromError(file.error());
      Response r;
      r.status = 200;
      r.body = *file;
      r.SetHeader("Content-Type", "text/csv; charset=utf-8");
      r.SetHeader("Content-Disposition", "attachment; filename=\"" + b->batch_no + ".csv\"");
      r.SetHeader("Cache-Control", "private, no-store");
      return r;
    });
  });
  router.Add("POST", "/api/v1/finance/batches/{id}/bank-result", kFinance.On("batch"), [&svc](Request& req) {
    return WithId(req,
                  [&](int64_t id) { return ReportAnswer(svc.ImportBankResult(req.User(), id, req.body)); });
  });
  router.Add("POST", "/api/v1/finance/payment-entries/{id}/reissue", kFinance.On("payment_entry"),
             [&svc](Request& req) {
               return WithId(req, [&](int64_t id) {
                 return WithBody(req, [&](const json& body) {
                   auto account = OptIntIn(body, "account_id");
                   if (!account.ok()) return Response::FromError(account.error());
                   return Answer(svc.Reissue(req.User(), id, *account), PaymentEntryJson);
                 });
               });
             });
  router.Add("GET", "/api/v1/finance/reconcile",
             Access::Kinds({auth::UserKind::kFinance, auth::UserKind::kPlatformAdmin}), [&svc](Request&) {
               return Answer(svc.Reconcile(), [](const payments::Reconciliation& r) {
                 return json{{"ok", r.ok},
                             {"batches", r.batches},
                             {"budgets", r.budgets},
                             {"entries", r.entries},
                             {"problems", r.problems}};
               });
             });
}

core::Result<std::optional<payments::NewAccount>> AccountIn(const json& body) {
  auto it = body.find("account");
  if (it == body.end() || it->is_null()) return std::optional<payments::NewAccount>{};
  if (!it->is_object()) {
    return core::InvalidArgument("account", "invalid_type", "account 应为对象", "account: object");
  }
  return std::optional<payments::NewAccount>{
      payments::NewAccount{Str(*it, "account_name"), Str(*it, "bank_name"), Str(*it, "account_number")}};
}

void AddEnterpriseRoutes(Router& router, PaymentsService& svc) {
  router.Add("GET", "/api/v1/me/offers", kEnterprise, [&svc](Request& req) {
    return PageOf(
        req, [&](payments::Page p, int64_t* total) { return svc.MyOffers(req.User(), p, total); }, OfferJson);
  });
  router.Add("GET", "/api/v1/me/offers/{id}", kEnterprise.Owned("offer"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) { return Answer(svc.GetOffer(req.User(), id), OfferJson); });
  });
  router.Add("GET", "/api/v1/offers/{id}", Access::LoggedIn().Owned("offer"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) { return Answer(svc.GetOffer(req.User(), id), OfferJson); });
  });
  router.Add("POST", "/api/v1/me/offers/{id}/confirm", kEnterprise.Owned("offer"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        auto account_id = OptIntIn(body, "account_id");
        if (!account_id.ok()) return Response::FromError(account_id.error());
        auto account = AccountIn(body);
        if (!account.ok()) return Response::FromError(account.error());
        if (!*account_id && !*account) {
          return Response::FromError(core::InvalidArgument(
              "account_id", "required", "请选择或填写收款银行账户", "account_id or account is required"));
        }
        return Answer(svc.Confirm(req.User(), id, *account_id, *account), OfferJson);
      });
    });
  });
  router.Add("POST", "/api/v1/me/offers/{id}/decline", kEnterprise.Owned("offer"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        return Answer(svc.Decline(req.User(), id, Str(body, "reason")), OfferJson);
      });
    });
  });
  router.Add("POST", "/api/v1/me/offers/{id}/object", kEnterprise.Owned("offer"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        return Answer(svc.Object(req.User(), id, Str(body, "text")), OfferJson);
      });
    });
  });
  router.Add("GET", "/api/v1/me/bank-accounts", kEnterprise, [&svc](Request& req) {
    return Answer(svc.Accounts(req.User()), [](const auto& list) { return ItemsJson(list, AccountJson); });
  });
  router.Add("POST", "/api/v1/me/bank-accounts", kEnterprise, [&svc](Request& req) {
    return WithBody(req, [&](const json& body) {
      payments::NewAccount a{Str(body, "account_name"), Str(body, "bank_name"), Str(body, "account_number")};
      return Answer(svc.AddAccount(req.User(), a), AccountJson, 201);
    });
  });
  router.Add("GET", "/api/v1/me/payments", kEnterprise, [&svc](Request& req) {
    return Answer(svc.Mine(req.User()), [](const PaymentsService::MyPayments& m) {
      json offers = json::array(), entries = json::array();
      for (const auto& o : m.offers) offers.push_back(OfferJson(o));
      for (const auto& e : m.entries) entries.push_back(PaymentEntryJson(e));
      return json{{"offers", offers}, {"entries", entries}};
    });
  });
  router.Add("POST", "/api/v1/items/{id}/claims", kEnterprise.On("item"), [&svc](Request& req) {
    return WithId(req, [&](int64_t id) {
      return WithBody(req, [&](const json& body) {
        return Answer(svc.FileClaim(req.User(), id, Str(body, "text")), ClaimJson, 201);
      });
    });
  });
  router.Add("GET", "/api/v1/me/claims", kEnterprise, [&svc](Request& req) {
    return PageOf(
        req, [&](payments::Page p, int64_t* total) { return svc.Claims(req.User(), p, total); }, ClaimJson);
  });
}

void AddRecordRoutes(Router& router, PaymentsService& svc) {
  router.Add("POST", "/api/v1/dept/subsidy-records/import", kOwnStaff, [&svc](Request& req) {
    return ReportAnswer(svc.ImportRecords(req.User(), req.body, Flag(req, "skip_invalid")));
  });
  router.Add("GET", "/api/v1/subsidy-records", kMoneyViewers, [&svc](Request& req) {
    std::string uscc = req.Query("uscc");
    bool late = Flag(req, "late");
    return PageOf(
        req, [&](payments::Page p, int64_t* total) { return svc.Records(req.User(), uscc, late, p, total); },
        RecordJson);
  });
  router.Add("GET", "/api/v1/subsidy-records/duplicates", kMoneyViewers, [&svc](Request& req) {
    return Answer(svc.Duplicates(req.User()),
                  [](const auto& list) { return ItemsJson(list, DuplicateJson); });
  });
}

}  // namespace

void RegisterPaymentsApi(Router& router, PaymentsService& service) {
  router.SetOwnerCheck("offer", VisibleTo([&service](const auth::Principal& p, int64_t id) {
                         return service.GetOffer(p, id);
                       }));
  router.SetOwnerCheck("offer_list", VisibleTo([&service](const auth::Principal& p, int64_t id) {
                         return service.GetList(p, id);
                       }));
  AddListRoutes(router, service);
  AddDepartmentRoutes(router, service);
  AddFinanceRoutes(router, service);
  AddEnterpriseRoutes(router, service);
  AddRecordRoutes(router, service);
}

}  // namespace huiqi::http
