// 免申即享 offer lists and offers (江阴办法 第二十条(一)1; 常州办法 第二十五条): a list derived from
// the item's rule or uploaded, approved by a reviewer, one offer per enterprise, each confirmed,
// declined, objected to or expired; claims from enterprises left off; bank accounts.
#include <algorithm>
#include <map>
#include <set>

#include "core/csv.h"
#include "core/money.h"
#include "core/uscc.h"
#include "enterprise/archive.h"
#include "payments/detail/impl.h"
#include "payments/payments_service.h"
#include "rules/amount.h"
#include "rules/rule.h"
#include "schedule/scheduler.h"

namespace huiqi::payments {

using core::Result;
using core::Status;
using nlohmann::json;
using store::Session;

namespace {

struct Draft {
  int64_t enterprise_id = 0;
  std::string uscc, name;
  std::optional<int64_t> amount_fen;
  std::string basis;
  json trace = json::array(), facts = json::object();
};

int ConfirmDays(int asked, const PaymentsOptions& o) {
  return asked > 0 && asked <= 60 ? asked : o.confirm_days;
}

json ListSummary(const OfferList& l) {
  return {{"status", l.status}, {"entries", l.entries}, {"total_fen", l.total_fen}, {"source", l.source}};
}

// Writes a draft list and its entries in one transaction.
Result<int64_t> WriteList(Session& s, const PaymentsService::Impl& impl, const auth::Principal& actor,
                          const policy::Item& item, const std::string& source, const std::string& rule_text,
                          int64_t rule_version, const std::optional<std::string>& sha, int confirm_days,
                          const std::vector<Draft>& drafts) {
  int64_t total = 0, without = 0;
  for (const auto& e : drafts) {
    if (e.amount_fen) {
      total += *e.amount_fen;
    } else {
      ++without;
    }
  }
  HQ_ASSIGN_OR_RETURN(
      auto row, s.QueryOne(detail::kInsertList,
                           {item.id, item.department.id, source, rule_text, rule_version,
                            store::OptionalText(sha), static_cast<int64_t>(drafts.size()), total, without,
                            int64_t{confirm_days}, actor.user_id, impl.Now(), ""},
                           "名单", "list"));
  int64_t id = row.Int("id");
  for (const auto& e : drafts) {
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(detail::kInsertEntry, {id, e.enterprise_id, e.uscc, e.name,
                                                                 store::OptionalInt(e.amount_fen), e.basis,
                                                                 e.trace.dump(), e.facts.dump()}));
    (void)n;
  }
  HQ_RETURN_IF_ERROR(impl.Audit(s, actor, "offer_list.create", "offer_list", id, nullptr,
                                {{"item_id", item.id},
                                 {"source", source},
                                 {"entries", drafts.size()},
                                 {"total_fen", total},
                                 {"rule_version", rule_version}}));
  return id;
}

}  // namespace

// ---- lists ----

Result<ListPreview> PaymentsService::PreviewList(const auth::Principal& officer, int64_t item_id) {
  HQ_ASSIGN_OR_RETURN(policy::Item item, impl_->OwnItem(officer, item_id));
  ListPreview p;
  p.rule_text = item.rule_text;
  p.has_amount_formula = !item.amount_json.empty() && item.amount_json != "null";
  if (item.rule_text.empty()) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "no_rule",
                           "该事项尚未设置申报条件规则，无法从规则生成名单；可上传名单",
                           "the item has no rule", "rule");
  }
  HQ_ASSIGN_OR_RETURN(rules::Node rule, rules::Parse(item.rule_text, impl_->d.schema));
  match::Simulation sim = impl_->d.matches.Simulate(rule, impl_->Today());
  p.eligible = static_cast<int64_t>(sim.counts.eligible);
  p.unknown = static_cast<int64_t>(sim.counts.unknown);
  p.total = static_cast<int64_t>(sim.counts.total);
  auto pairs = [](const auto& v) {
    json a = json::array();
    for (const auto& [k, n] : v) a.push_back({{"key", k}, {"count", n}});
    return a;
  };
  p.breakdown = {{"by_region", pairs(sim.breakdown.by_region)},
                 {"by_industry", pairs(sim.breakdown.by_industry)},
                 {"by_scale", pairs(sim.breakdown.by_scale)}};
  return p;
}

Result<OfferList> PaymentsService::DeriveList(const auth::Principal& officer, int64_t item_id,
                                              std::optional<int64_t> default_amount_fen, int confirm_days) {
  auto& impl = *impl_;
  HQ_ASSIGN_OR_RETURN(policy::Item item, impl.OwnItem(officer, item_id));
  if (!item.no_application) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "not_no_application",
                           "该事项不是免申即享事项，不能生成免申即享名单", "the item is not 免申即享",
                           "item_id");
  }
  if (item.status != policy::ItemStatus::kPublished) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "item_not_published",
                           "事项尚未发布，不能生成名单", "the item is not published", "item_id");
  }
  if (item.rule_text.empty()) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "no_rule",
                           "该事项尚未设置申报条件规则，无法从规则生成名单；可上传名单",
                           "the item has no rule", "rule");
  }
  if (default_amount_fen && *default_amount_fen <= 0) {
    return core::InvalidArgument("default_amount_fen", "amount_invalid", "每户金额应大于 0",
                                 "the default amount must be positive");
  }
  HQ_ASSIGN_OR_RETURN(rules::Node rule, rules::Parse(item.rule_text, impl.d.schema));
  HQ_ASSIGN_OR_RETURN(std::optional<rules::Amount> amount,
                      rules::ParseAmountText(item.amount_json, impl.d.schema));
  int64_t rule_version = 0;
  if (auto versions = impl.d.policies.RuleVersions(&officer, item.id); versions.ok() && !versions->empty()) {
    rule_version = versions->back().version;
  }
  core::Date today = impl.Today();
  // The bitmap engine finds who; the row evaluator on the archive's facts writes why. An enterprise
  // the two disagree on (its facts changed since the index was read) is left out, not guessed.
  std::vector<int64_t> ids = impl.d.matches.Eligible(rule, today);
  std::sort(ids.begin(), ids.end());
  enterprise::Archive archive(impl.d.db, impl.d.clock);
  HQ_ASSIGN_OR_RETURN(auto all, archive.LoadAllFacts());
  HQ_ASSIGN_OR_RETURN(auto names, impl.d.db.ReadValue<store::Rows>(
                                      [](Session& s) { return s.Query(detail::kAllEnterpriseNames); }));
  std::string as_of = impl.Now();
  std::vector<Draft> drafts;
  drafts.reserve(ids.size());
  size_t fi = 0, ni = 0;
  for (int64_t id : ids) {
    while (fi < all.size() && all[fi].first < id) ++fi;
    while (ni < names.size() && names[ni].Int("id") < id) ++ni;
    if (fi == all.size() || all[fi].first != id || ni == names.size() || names[ni].Int("id") != id) continue;
    Impl::Traced t = impl.TraceOf(rule, all[fi].second, as_of);
    if (t.verdict != "pass") continue;
    Draft e;
    e.enterprise_id = id;
    e.uscc = names[ni].Text("uscc");
    e.name = names[ni].Text("name");
    e.trace = std::move(t.trace);
    e.facts = std::move(t.facts);
    if (amount) {
      rules::Estimate est = rules::EstimateAmount(*amount, impl.d.schema, all[fi].second, today);
      e.amount_fen = est.fen;
      e.basis = est.fen ? rules::DescribeAmount(*amount, impl.d.schema) : "缺少测算所需数据，按实际核定";
    }
    if (!e.amount_fen && default_amount_fen) {
      e.amount_fen = default_amount_fen;
      e.basis = "每户定额 " + core::FormatYuan(*default_amount_fen);
    }
    drafts.push_back(std::move(e));
  }
  int days = ConfirmDays(confirm_days, impl.options);
  HQ_ASSIGN_OR_RETURN(int64_t id, impl.d.db.WriteValue<int64_t>([&](Session& s) {
    return WriteList(s, impl, officer, item, "rule", item.rule_text, rule_version, std::nullopt, days,
                     drafts);
  }));
  return GetList(officer, id);
}

Result<ImportReport> PaymentsService::UploadList(const auth::Principal& officer, int64_t item_id,
                                                 const std::string& csv, bool skip_invalid,
                                                 int confirm_days) {
  auto& impl = *impl_;
  HQ_ASSIGN_OR_RETURN(policy::Item item, impl.OwnItem(officer, item_id));
  if (!item.no_application) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "not_no_application",
                           "该事项不是免申即享事项，不能上传免申即享名单", "the item is not 免申即享",
                           "item_id");
  }
  std::string sha = Sha256Hex(csv);
  ImportReport report;
  HQ_ASSIGN_OR_RETURN(auto seen, impl.d.db.ReadValue<std::optional<store::Row>>([&](Session& s) {
    return s.QueryOptional(detail::kListByUpload, {item.id, sha});
  }));
  if (seen) {  // the same file again: the list it made, nothing new
    report.id = seen->Int("id");
    report.committed = true;
    report.unchanged = 1;
    return report;
  }
  HQ_ASSIGN_OR_RETURN(std::string text, core::CsvToUtf8(csv));
  auto rows = core::ReadCsv(text);
  if (rows.empty()) return core::InvalidArgument("file", "file_empty", "文件为空", "the file is empty");
  auto problem = [&report](int64_t line, std::string field, std::string message) {
    report.problems.push_back({{"line", line}, {"field", std::move(field)}, {"message", std::move(message)}});
  };
  // Header: 统一社会信用代码,金额(元),依据 (or uscc,amount,basis), in that order.
  const auto& h = rows[0];
  auto head = [&h](size_t i) { return i < h.size() ? core::TrimField(h[i]) : std::string(); };
  bool header_ok = (head(0) == "统一社会信用代码" || head(0) == "uscc") &&
                   (head(1).rfind("金额", 0) == 0 || head(1) == "amount");
  if (!header_ok) {
    return core::InvalidArgument("file", "header_invalid", "第 1 行应为表头：统一社会信用代码,金额(元),依据",
                                 "line 1 must be the header uscc,amount,basis");
  }
  std::vector<Draft> drafts;
  std::set<std::string> seen_uscc;
  store::Rows found;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    int64_t line = static_cast<int64_t>(i) + 1;
    if (r.empty() || (r.size() == 1 && core::TrimField(r[0]).empty())) continue;
    ++report.rows;
    auto uscc = core::NormalizeUscc(r.size() > 0 ? core::TrimField(r[0]) : "", "uscc");
    if (!uscc.ok()) {
      problem(line, "uscc", uscc.error().message);
      continue;
    }
    if (!seen_uscc.insert(*uscc).second) {
      problem(line, "uscc", "统一社会信用代码重复：" + *uscc);
      continue;
    }
    std::string amount_text = r.size() > 1 ? core::TrimField(r[1]) : "";
    auto fen = core::ParseMoney(amount_text, "amount");
    if (!fen.ok() || *fen <= 0) {
      problem(line, "amount", fen.ok() ? "金额应大于 0" : fen.error().message);
      continue;
    }
    HQ_ASSIGN_OR_RETURN(auto ent, impl.d.db.ReadValue<std::optional<store::Row>>([&](Session& s) {
      return s.QueryOptional(detail::kEnterpriseByUscc, {*uscc});
    }));
    if (!ent) {
      problem(line, "uscc", "企业档案中没有该统一社会信用代码：" + *uscc);
      continue;
    }
    Draft e;
    e.enterprise_id = ent->Int("id");
    e.uscc = *uscc;
    e.name = ent->Text("name");
    e.amount_fen = *fen;
    std::string basis = r.size() > 2 ? core::TrimField(r[2]) : "";
    e.basis = basis.empty() ? "部门名单" : basis;
    e.trace = json::array({{{"condition", "列入部门报送的免申即享名单"},
                            {"actual", e.basis},
                            {"result", "pass"},
                            {"result_label", "满足"},
                            {"needed", true}}});
    drafts.push_back(std::move(e));
    ++report.accepted;
  }
  report.rejected = static_cast<int64_t>(report.problems.size());
  if (report.rows == 0) return core::InvalidArgument("file", "file_empty", "文件中没有名单数据", "no rows");
  if (report.rejected > 0 && !skip_invalid) return report;  // nothing written
  if (drafts.empty()) return report;
  int days = ConfirmDays(confirm_days, impl.options);
  auto id = impl.d.db.WriteValue<int64_t>(
      [&](Session& s) { return WriteList(s, impl, officer, item, "upload", "", 0, sha, days, drafts); });
  if (!id.ok()) return id.error();
  report.id = *id;
  report.committed = true;
  return report;
}

Result<OfferList> PaymentsService::GetList(const auth::Principal& viewer, int64_t list_id) {
  HQ_ASSIGN_OR_RETURN(auto row, impl_->d.db.ReadValue<store::Row>([&](Session& s) {
    return s.QueryOne(detail::kGetList, {list_id}, "名单", "list");
  }));
  OfferList l = detail::ListFromRow(row);
  if (!auth::RequireDepartment(viewer, l.department_id).ok()) return core::NotFound("名单", "list");
  l.item_name = impl_->ItemName(l.item_id);
  return l;
}

Result<std::vector<OfferListEntry>> PaymentsService::ListEntries(const auth::Principal& viewer,
                                                                 int64_t list_id, Page page, int64_t* total) {
  HQ_ASSIGN_OR_RETURN(OfferList l, GetList(viewer, list_id));
  if (total) *total = l.entries;
  int size = std::clamp(page.page_size, 1, 100);
  int64_t offset = int64_t{std::max(page.page, 1) - 1} * size;
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>([&](Session& s) {
    return s.Query(detail::kEntriesOf, {list_id, int64_t{size}, offset});
  }));
  std::vector<OfferListEntry> out;
  for (const auto& r : rows) {
    OfferListEntry e;
    e.id = r.Int("id");
    e.uscc = r.Text("uscc");
    e.name = r.Text("name");
    e.amount_fen = r.OptInt("amount_fen");
    e.basis = r.Text("basis");
    auto t = json::parse(r.Text("trace"), nullptr, false);
    if (!t.is_discarded()) e.trace = t;
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<OfferList>> PaymentsService::Lists(const auth::Principal& viewer,
                                                      std::optional<int64_t> item_id, Page page,
                                                      int64_t* total) {
  if (!viewer.Is(auth::UserKind::kDepartmentStaff) && !viewer.Is(auth::UserKind::kPlatformAdmin)) {
    return core::PermissionDenied();
  }
  int64_t dept = Impl::DepartmentScope(viewer);
  int64_t item = item_id.value_or(0);
  int size = std::clamp(page.page_size, 1, 100);
  int64_t offset = int64_t{std::max(page.page, 1) - 1} * size;
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>([&](Session& s) -> Result<store::Rows> {
    if (total) {
      HQ_ASSIGN_OR_RETURN(auto c, s.QueryOne(detail::kCountLists, {dept, dept, item, item}, "名单", "lists"));
      *total = c.Int("n");
    }
    return s.Query(detail::kListsOf, {dept, dept, item, item, int64_t{size}, offset});
  }));
  std::vector<OfferList> out;
  std::map<int64_t, std::string> names;
  for (const auto& r : rows) {
    out.push_back(detail::ListFromRow(r));
    out.back().item_name = impl_->ItemName(out.back().item_id, &names);
  }
  return out;
}

namespace {
Status ApproveAndAudit(Session& s, const auth::Principal& reviewer, const OfferList& l,
                       const PaymentsService::Impl& impl) {
  HQ_RETURN_IF_ERROR(detail::ListMachine().Apply(s, "approve", l.id, l.status, detail::kApproveList,
                                                 {reviewer.user_id, impl.Now()}));
  OfferList after = l;
  after.status = "sent";
  return impl.Audit(s, reviewer, "offer_list.approve", "offer_list", l.id, ListSummary(l),
                    ListSummary(after));
}

}  // namespace

Result<OfferList> PaymentsService::ApproveList(const auth::Principal& reviewer, int64_t list_id) {
  auto& impl = *impl_;
  HQ_ASSIGN_OR_RETURN(OfferList l, GetList(reviewer, list_id));
  if (!Impl::IsReviewer(reviewer)) {
    return core::PermissionDenied("名单须由本部门审核人员审核",
                                  "a reviewer of the department approves a list");
  }
  if (l.created_by_id == reviewer.user_id && !reviewer.Is(auth::UserKind::kPlatformAdmin)) {
    return core::MakeError(core::ErrorKind::kPermissionDenied, "four_eyes",
                           "名单须由制作人以外的审核人员审核", "the author may not approve their own list");
  }
  if (l.without_amount > 0) {
    return core::MakeError(
        core::ErrorKind::kFailedPrecondition, "amount_missing",
        "名单中有 " + std::to_string(l.without_amount) + " 户未确定金额，请设置每户金额后重新生成",
        "entries without an amount", "default_amount_fen");
  }
  core::Date today = impl.Today();
  core::Date due = impl.Due(today, l.confirm_days);
  std::string item_name = impl.ItemName(l.item_id);
  HQ_RETURN_IF_ERROR(impl.d.db.Write([&](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(ApproveAndAudit(s, reviewer, l, impl));
    HQ_ASSIGN_OR_RETURN(auto entries, s.Query(detail::kAllEntriesOf, {list_id}));
    for (const auto& e : entries) {
      HQ_ASSIGN_OR_RETURN(auto row,
                          s.QueryOne(detail::kInsertOffer,
                                     {list_id, e.Int("id"), l.item_id, l.department_id, e.Text("uscc"),
                                      e.Text("name"), e.at("amount_fen"), due.ToString(), impl.Now()},
                                     "确认", "offer"));
      int64_t offer_id = row.Int("id");
      std::string amount = e.IsNull("amount_fen") ? "按实际核定" : core::FormatYuan(e.Int("amount_fen"));
      std::string reasons;
      auto trace = json::parse(e.Text("trace"), nullptr, false);
      if (trace.is_array()) {
        for (const auto& c : trace) {
          if (c.value("needed", true) && c.value("result", "") == "pass") {
            reasons += (reasons.empty() ? "" : "；") + c.value("condition", "");
          }
        }
      }
      std::string body = "您的企业符合“" + item_name + "”免申即享条件（" + reasons + "），金额 " + amount +
                         "。请于 " + due.ToString() +
                         " 前登录法人空间确认并选择收款账户；逾期未确认视为放弃。";
      HQ_RETURN_IF_ERROR(
          impl.TellEnterprise(s, e.Text("uscc"), "offer.created", "免申即享待确认：" + item_name, body,
                              "/space/payments", "offer", offer_id, "SMS_OFFER",
                              {{"item", item_name}, {"amount", amount}, {"due", due.ToString()}}));
      HQ_RETURN_IF_ERROR(impl.ScheduleOfferJobs(s, offer_id, due));
    }
    return core::Ok();
  }));
  return GetList(reviewer, list_id);
}

Result<OfferList> PaymentsService::DiscardList(const auth::Principal& actor, int64_t list_id,
                                               const std::string& reason) {
  HQ_ASSIGN_OR_RETURN(OfferList l, GetList(actor, list_id));
  HQ_RETURN_IF_ERROR(impl_->d.db.Write([&](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(
        detail::ListMachine().Apply(s, "discard", list_id, l.status, detail::kDiscardList, {reason}));
    OfferList after = l;
    after.status = "discarded";
    return impl_->Audit(s, actor, "offer_list.discard", "offer_list", list_id, ListSummary(l),
                        ListSummary(after));
  }));
  return GetList(actor, list_id);
}

// ---- offers ----

Result<std::vector<Offer>> PaymentsService::MyOffers(const auth::Principal& ent, Page page, int64_t* total) {
  if (!ent.uscc)
    return core::PermissionDenied("只有企业用户可以查看本企业的免申即享", "enterprise users only");
  int size = std::clamp(page.page_size, 1, 100);
  int64_t offset = int64_t{std::max(page.page, 1) - 1} * size;
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>([&](Session& s) -> Result<store::Rows> {
    if (total) {
      HQ_ASSIGN_OR_RETURN(auto c, s.QueryOne(detail::kCountOffersOfUscc, {*ent.uscc}, "确认", "offers"));
      *total = c.Int("n");
    }
    return s.Query(detail::kOffersOfUscc, {*ent.uscc, int64_t{size}, offset});
  }));
  std::vector<Offer> out;
  std::map<int64_t, std::string> names;
  for (const auto& r : rows) {
    out.push_back(detail::OfferFromRow(r));
    out.back().item_name = impl_->ItemName(out.back().item_id, &names);
  }
  return out;
}

Result<std::vector<Offer>> PaymentsService::Offers(const auth::Principal& staff,
                                                   std::optional<int64_t> list_id, const std::string& status,
                                                   Page page, int64_t* total) {
  if (!staff.Is(auth::UserKind::kDepartmentStaff) && !staff.Is(auth::UserKind::kPlatformAdmin)) {
    return core::PermissionDenied();
  }
  int64_t dept = Impl::DepartmentScope(staff);
  int64_t list = list_id.value_or(0);
  int size = std::clamp(page.page_size, 1, 100);
  int64_t offset = int64_t{std::max(page.page, 1) - 1} * size;
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>([&](Session& s) -> Result<store::Rows> {
    if (total) {
      HQ_ASSIGN_OR_RETURN(auto c, s.QueryOne(detail::kCountOffersOfDepartment,
                                             {dept, dept, list, list, status, status}, "确认", "offers"));
      *total = c.Int("n");
    }
    return s.Query(detail::kOffersOfDepartment,
                   {dept, dept, list, list, status, status, int64_t{size}, offset});
  }));
  std::vector<Offer> out;
  std::map<int64_t, std::string> names;
  for (const auto& r : rows) {
    out.push_back(detail::OfferFromRow(r));
    out.back().item_name = impl_->ItemName(out.back().item_id, &names);
  }
  return out;
}

Result<Offer> PaymentsService::GetOffer(const auth::Principal& viewer, int64_t offer_id) {
  HQ_ASSIGN_OR_RETURN(
      Offer o, impl_->d.db.ReadValue<Offer>([&](Session& s) { return impl_->LoadOffer(s, offer_id); }));
  bool mine = viewer.uscc && *viewer.uscc == o.uscc;
  bool staff = auth::RequireDepartment(viewer, o.department_id).ok();
  if (!mine && !staff) return core::NotFound("免申即享确认", "offer");
  return o;
}

namespace {

json OfferSummary(const Offer& o) {
  return {{"status", o.status},
          {"amount_fen", o.amount_fen ? json(*o.amount_fen) : json()},
          {"bank_account_id", o.bank_account_id ? json(*o.bank_account_id) : json()}};
}

}  // namespace

Result<Offer> PaymentsService::Confirm(const auth::Principal& ent, int64_t offer_id,
                                       std::optional<int64_t> account_id,
                                       const std::optional<NewAccount>& account) {
  auto& impl = *impl_;
  HQ_ASSIGN_OR_RETURN(Offer o, GetOffer(ent, offer_id));
  HQ_RETURN_IF_ERROR(Impl::RequireEnterpriseAdmin(ent, o.uscc));
  if (!ent.uscc || *ent.uscc != o.uscc) return core::NotFound("免申即享确认", "offer");
  if (!o.amount_fen) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "amount_missing",
                           "该项金额尚未核定，请先提出异议或等待部门核定", "the offer has no amount");
  }
  if (account) {
    HQ_ASSIGN_OR_RETURN(BankAccount a, AddAccount(ent, *account));
    account_id = a.id;
  }
  if (!account_id) {
    return core::InvalidArgument("account_id", "account_required", "请选择或填写收款银行账户",
                                 "a bank account is required");
  }
  HQ_ASSIGN_OR_RETURN(auto accounts, Accounts(ent));
  if (std::none_of(accounts.begin(), accounts.end(),
                   [&](const BankAccount& a) { return a.id == *account_id; })) {
    return core::InvalidArgument("account_id", "account_unknown", "收款账户不是本企业的账户",
                                 "the account is not the enterprise's");
  }
  core::Date today = impl.Today();
  HQ_RETURN_IF_ERROR(impl.d.db.Write([&](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(detail::OfferMachine().Apply(s, "confirm", offer_id, o.status, detail::kConfirmOffer,
                                                    {*account_id, ent.user_id, impl.Now()}));
    HQ_ASSIGN_OR_RETURN(int64_t n,
                        s.Exec(detail::kInsertPaymentEntry,
                               {o.item_id, o.department_id, o.uscc, o.enterprise_name, *o.amount_fen, "offer",
                                offer_id, *account_id, today.ToString(), impl.Now()}));
    (void)n;
    Offer after = o;
    after.status = "confirmed";
    after.bank_account_id = account_id;
    HQ_RETURN_IF_ERROR(
        impl.Audit(s, ent, "offer.confirm", "offer", offer_id, OfferSummary(o), OfferSummary(after)));
    HQ_RETURN_IF_ERROR(Impl::CancelOfferJobs(s, o));
    return impl.TellEnterprise(s, o.uscc, "offer.confirmed", "已确认：" + o.item_name,
                               "您已确认“" + o.item_name + "”，金额 " + core::FormatYuan(*o.amount_fen) +
                                   "，已进入兑付清单，待部门确认后由财政拨付至所选账户。",
                               "/space/payments", "offer", offer_id, "", {});
  }));
  return GetOffer(ent, offer_id);
}

Result<Offer> PaymentsService::Decline(const auth::Principal& ent, int64_t offer_id,
                                       const std::string& reason) {
  auto& impl = *impl_;
  HQ_ASSIGN_OR_RETURN(Offer o, GetOffer(ent, offer_id));
  HQ_RETURN_IF_ERROR(Impl::RequireEnterpriseAdmin(ent, o.uscc));
  if (!ent.uscc || *ent.uscc != o.uscc) return core::NotFound("免申即享确认", "offer");
  std::string why = core::TrimField(reason);
  if (why.empty())
    return core::InvalidArgument("reason", "reason_required", "请填写放弃的原因", "a reason is required");
  HQ_RETURN_IF_ERROR(impl.d.db.Write([&](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(detail::OfferMachine().Apply(s, "decline", offer_id, o.status, detail::kDeclineOffer,
                                                    {why, ent.user_id, impl.Now()}));
    Offer after = o;
    after.status = "declined";
    HQ_RETURN_IF_ERROR(
        impl.Audit(s, ent, "offer.decline", "offer", offer_id, OfferSummary(o), OfferSummary(after)));
    return Impl::CancelOfferJobs(s, o);
  }));
  return GetOffer(ent, offer_id);
}

Result<Offer> PaymentsService::Object(const auth::Principal& ent, int64_t offer_id, const std::string& text) {
  auto& impl = *impl_;
  HQ_ASSIGN_OR_RETURN(Offer o, GetOffer(ent, offer_id));
  HQ_RETURN_IF_ERROR(Impl::RequireEnterpriseAdmin(ent, o.uscc));
  if (!ent.uscc || *ent.uscc != o.uscc) return core::NotFound("免申即享确认", "offer");
  std::string what = core::TrimField(text);
  if (what.empty())
    return core::InvalidArgument("text", "text_required", "请说明异议内容", "the objection is empty");
  core::Date due = impl.Due(impl.Today(), impl.options.claim_answer_days);
  HQ_RETURN_IF_ERROR(impl.d.db.Write([&](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(detail::OfferMachine().Apply(s, "object", offer_id, o.status, detail::kObjectOffer,
                                                    {what, ent.user_id, impl.Now()}));
    Offer after = o;
    after.status = "objected";
    HQ_RETURN_IF_ERROR(
        impl.Audit(s, ent, "offer.object", "offer", offer_id, OfferSummary(o), OfferSummary(after)));
    return impl.TellDepartment(s, o.department_id, "offer.objected", "免申即享异议：" + o.enterprise_name,
                               o.enterprise_name + " 对“" + o.item_name + "”提出异议：" + what + "。请于 " +
                                   due.ToString() + " 前答复。",
                               "/dept/offers", "offer", offer_id);
  }));
  return GetOffer(ent, offer_id);
}

Result<Offer> PaymentsService::AnswerObjection(const auth::Principal& staff, int64_t offer_id,
                                               const std::string& answer, std::optional<int64_t> amount_fen) {
  auto& impl = *impl_;
  HQ_ASSIGN_OR_RETURN(Offer o, GetOffer(staff, offer_id));
  if (staff.uscc) return core::NotFound("免申即享确认", "offer");
  std::string text = core::TrimField(answer);
  if (text.empty())
    return core::InvalidArgument("answer", "answer_required", "请填写答复", "the answer is empty");
  if (amount_fen && *amount_fen <= 0) {
    return core::InvalidArgument("amount_fen", "amount_invalid", "金额应大于 0",
                                 "the amount must be positive");
  }
  HQ_ASSIGN_OR_RETURN(auto list, impl.d.db.ReadValue<store::Row>([&](Session& s) {
    return s.QueryOne(detail::kGetList, {o.list_id}, "名单", "list");
  }));
  core::Date due = impl.Due(impl.Today(), static_cast<int>(list.Int("confirm_days")));
  std::optional<int64_t> amount = amount_fen ? amount_fen : o.amount_fen;
  HQ_RETURN_IF_ERROR(impl.d.db.Write([&](Session& s) -> Status {
    HQ_RETURN_IF_ERROR(detail::OfferMachine().Apply(s, "answer", offer_id, o.status, detail::kAnswerOffer,
                                                    {text, store::OptionalInt(amount), due.ToString()}));
    Offer after = o;
    after.status = "pending";
    after.amount_fen = amount;
    HQ_RETURN_IF_ERROR(
        impl.Audit(s, staff, "offer.answer", "offer", offer_id, OfferSummary(o), OfferSummary(after)));
    HQ_RETURN_IF_ERROR(impl.ScheduleOfferJobs(s, offer_id, due));
    std::string amount_text = amount ? core::FormatYuan(*amount) : "按实际核定";
    return impl.TellEnterprise(
        s, o.uscc, "offer.answered", "异议已答复：" + o.item_name,
        "部门答复：" + text + "。金额 " + amount_text + "，请于 " + due.ToString() + " 前确认。",
        "/space/payments", "offer", offer_id, "SMS_OFFER",
        {{"item", o.item_name}, {"amount", amount_text}, {"due", due.ToString()}});
  }));
  return GetOffer(staff, offer_id);
}

// ---- jobs ----

Status PaymentsService::OnOfferReminder(Session& tx, int64_t offer_id) {
  HQ_ASSIGN_OR_RETURN(Offer o, impl_->LoadOffer(tx, offer_id));
  if (o.status != "pending" || !o.due_on) return core::Ok();
  std::string amount = o.amount_fen ? core::FormatYuan(*o.amount_fen) : "按实际核定";
  return impl_->TellEnterprise(
      tx, o.uscc, "offer.reminder", "提醒：免申即享待确认 " + o.item_name,
      "“" + o.item_name + "”将于 " + o.due_on->ToString() + " 截止确认，逾期视为放弃。请登录法人空间确认。",
      "/space/payments", "offer", offer_id, "SMS_OFFER",
      {{"item", o.item_name}, {"amount", amount}, {"due", o.due_on->ToString()}});
}

Status PaymentsService::OnOfferExpiry(Session& tx, int64_t offer_id) {
  HQ_ASSIGN_OR_RETURN(Offer o, impl_->LoadOffer(tx, offer_id));
  if (o.status != "pending") return core::Ok();                    // answered in time
  if (o.due_on && impl_->Today() <= *o.due_on) return core::Ok();  // renewed after an objection
  HQ_RETURN_IF_ERROR(
      detail::OfferMachine().Apply(tx, "expire", offer_id, o.status, detail::kExpireOffer, {}));
  auth::Principal system;
  system.login = "system";
  Offer after = o;
  after.status = "expired";
  HQ_RETURN_IF_ERROR(
      impl_->Audit(tx, system, "offer.expire", "offer", offer_id, OfferSummary(o), OfferSummary(after)));
  return impl_->TellEnterprise(tx, o.uscc, "offer.expired", "已逾期：" + o.item_name,
                               "“" + o.item_name + "”的确认期限已于 " +
                                   (o.due_on ? o.due_on->ToString() : "") +
                                   " 截止，未确认视为放弃。如有疑问请联系" + o.department_name + "。",
                               "/space/payments", "offer", offer_id, "", {});
}

// ---- claims: "我符合条件但未收到" ----

Result<Claim> PaymentsService::FileClaim(const auth::Principal& ent, int64_t item_id,
                                         const std::string& text) {
  auto& impl = *impl_;
  if (!ent.uscc) return core::PermissionDenied("只有企业用户可以提出", "enterprise users only");
  HQ_ASSIGN_OR_RETURN(policy::Item item, impl.d.policies.GetItem(&ent, item_id));
  if (!item.no_application) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "not_no_application",
                           "该事项不是免申即享事项，请在线申报", "the item is not 免申即享", "item_id");
  }
  std::string what = core::TrimField(text);
  if (what.empty()) what = "我符合条件但未收到免申即享确认";
  HQ_ASSIGN_OR_RETURN(auto profile, impl.d.profiles.Get(*ent.uscc));
  Impl::Traced t;
  t.verdict = "unknown";
  if (!item.rule_text.empty()) {
    HQ_ASSIGN_OR_RETURN(rules::Node rule, rules::Parse(item.rule_text, impl.d.schema));
    t = impl.TraceOf(rule, profile.facts, profile.updated_at);
  }
  core::Date due = impl.Due(impl.Today(), impl.options.claim_answer_days);
  HQ_ASSIGN_OR_RETURN(int64_t id, impl.d.db.WriteValue<int64_t>([&](Session& s) -> Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(auto row,
                        s.QueryOne(detail::kInsertClaim,
                                   {item.id, item.department.id, *ent.uscc, profile.name, what, t.verdict,
                                    t.trace.dump(), due.ToString(), ent.user_id, impl.Now()},
                                   "诉求", "claim"));
    int64_t claim = row.Int("id");
    HQ_RETURN_IF_ERROR(impl.Audit(s, ent, "offer_claim.create", "offer_claim", claim, nullptr,
                                  {{"item_id", item.id}, {"verdict", t.verdict}}));
    HQ_RETURN_IF_ERROR(impl.TellDepartment(s, item.department.id, "offer.claim",
                                           "未收到免申即享：" + profile.name,
                                           profile.name + " 认为符合“" + item.name + "”但未收到确认：" +
                                               what + "。请于 " + due.ToString() + " 前答复。",
                                           "/dept/offers", "offer_claim", claim));
    return claim;
  }));
  HQ_ASSIGN_OR_RETURN(auto row, impl.d.db.ReadValue<store::Row>([&](Session& s) {
    return s.QueryOne(detail::kGetClaim, {id}, "诉求", "claim");
  }));
  Claim c;
  c.id = id;
  c.item_id = item.id;
  c.item_name = item.name;
  c.uscc = *ent.uscc;
  c.enterprise_name = profile.name;
  c.text = what;
  c.status = "open";
  c.verdict = t.verdict;
  c.trace = t.trace;
  c.due_on = due;
  c.created_at = row.Text("created_at");
  return c;
}

Result<std::vector<Claim>> PaymentsService::Claims(const auth::Principal& viewer, Page page, int64_t* total) {
  std::string uscc = viewer.uscc.value_or("");
  int64_t dept = Impl::DepartmentScope(viewer);
  if (uscc.empty() && !viewer.Is(auth::UserKind::kDepartmentStaff) &&
      !viewer.Is(auth::UserKind::kPlatformAdmin)) {
    return core::PermissionDenied();
  }
  int size = std::clamp(page.page_size, 1, 100);
  int64_t offset = int64_t{std::max(page.page, 1) - 1} * size;
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>([&](Session& s) -> Result<store::Rows> {
    if (total) {
      HQ_ASSIGN_OR_RETURN(auto c,
                          s.QueryOne(detail::kCountClaims, {uscc, uscc, dept, dept}, "诉求", "claims"));
      *total = c.Int("n");
    }
    return s.Query(detail::kClaims, {uscc, uscc, dept, dept, int64_t{size}, offset});
  }));
  std::vector<Claim> out;
  std::map<int64_t, std::string> names;
  for (const auto& r : rows) {
    Claim c;
    c.id = r.Int("id");
    c.item_id = r.Int("item_id");
    c.item_name = impl_->ItemName(c.item_id, &names);
    c.uscc = r.Text("uscc");
    c.enterprise_name = r.Text("enterprise_name");
    c.text = r.Text("text");
    c.verdict = r.Text("verdict");
    auto t = json::parse(r.Text("trace"), nullptr, false);
    if (!t.is_discarded()) c.trace = t;
    c.status = r.Text("status");
    c.answer = r.Text("answer");
    c.due_on = detail::DateOf(r, "due_on");
    c.created_at = r.Text("created_at");
    out.push_back(std::move(c));
  }
  return out;
}

Result<Claim> PaymentsService::AnswerClaim(const auth::Principal& staff, int64_t claim_id,
                                           const std::string& answer) {
  auto& impl = *impl_;
  HQ_ASSIGN_OR_RETURN(auto row, impl.d.db.ReadValue<store::Row>([&](Session& s) {
    return s.QueryOne(detail::kGetClaim, {claim_id}, "诉求", "claim");
  }));
  if (staff.uscc || !auth::RequireDepartment(staff, row.Int("department_id")).ok()) {
    return core::NotFound("诉求", "claim");
  }
  std::string text = core::TrimField(answer);
  if (text.empty())
    return core::InvalidArgument("answer", "answer_required", "请填写答复", "the answer is empty");
  std::string uscc = row.Text("uscc");
  std::string item_name = impl.ItemName(row.Int("item_id"));
  HQ_RETURN_IF_ERROR(impl.d.db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(detail::kAnswerClaim, {text, impl.Now(), claim_id}));
    if (n != 1) {
      return core::MakeError(core::ErrorKind::kConflict, "state_conflict", "该诉求已答复", "already answered",
                             "status");
    }
    HQ_RETURN_IF_ERROR(impl.Audit(s, staff, "offer_claim.answer", "offer_claim", claim_id,
                                  {{"status", "open"}}, {{"status", "answered"}}));
    return impl.TellEnterprise(s, uscc, "offer.claim_answered", "诉求已答复：" + item_name,
                               "部门答复：" + text, "/space/payments", "offer_claim", claim_id, "", {});
  }));
  Claim c;
  c.id = claim_id;
  c.item_id = row.Int("item_id");
  c.item_name = item_name;
  c.uscc = uscc;
  c.enterprise_name = row.Text("enterprise_name");
  c.text = row.Text("text");
  c.verdict = row.Text("verdict");
  c.status = "answered";
  c.answer = text;
  c.due_on = detail::DateOf(row, "due_on");
  c.created_at = row.Text("created_at");
  return c;
}

// ---- bank accounts ----

Result<std::vector<BankAccount>> PaymentsService::Accounts(const auth::Principal& ent) {
  if (!ent.uscc) return core::PermissionDenied("只有企业用户有收款账户", "enterprise users only");
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>(
                                     [&](Session& s) { return s.Query(detail::kAccountsOf, {*ent.uscc}); }));
  std::vector<BankAccount> out;
  for (const auto& r : rows) {
    out.push_back({r.Int("id"), r.Text("uscc"), r.Text("account_name"), r.Text("bank_name"), r.Text("masked"),
                   r.Text("created_at")});
  }
  return out;
}

Result<BankAccount> PaymentsService::AddAccount(const auth::Principal& ent, const NewAccount& account) {
  auto& impl = *impl_;
  if (!ent.uscc) return core::PermissionDenied("只有企业用户有收款账户", "enterprise users only");
  HQ_RETURN_IF_ERROR(Impl::RequireEnterpriseAdmin(ent, *ent.uscc));
  HQ_ASSIGN_OR_RETURN(auto profile, impl.d.profiles.Get(*ent.uscc));
  std::string name = core::TrimField(account.account_name);
  if (name != profile.name) {
    return core::InvalidArgument("account_name", "account_name_mismatch",
                                 "收款户名须与企业名称一致：" + profile.name,
                                 "the account name must equal the enterprise's name");
  }
  std::string bank = core::TrimField(account.bank_name);
  if (bank.empty()) {
    return core::InvalidArgument("bank_name", "bank_required", "请填写开户银行", "the bank is required");
  }
  HQ_ASSIGN_OR_RETURN(std::string digits, NormalizeAccountNumber(account.account_number));
  std::string lookup = impl.d.keys.LookupHash(digits, "bank_account");
  HQ_RETURN_IF_ERROR(impl.d.db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(detail::kInsertAccount,
                                          {*ent.uscc, name, bank, impl.d.keys.Seal(digits, "bank_account"),
                                           lookup, MaskAccountNumber(digits), ent.user_id, impl.Now()}));
    if (n == 0) return core::Ok();  // the same account again: the one on file
    HQ_ASSIGN_OR_RETURN(auto row,
                        s.QueryOne(detail::kAccountByLookup, {*ent.uscc, lookup}, "账户", "account"));
    return impl.Audit(s, ent, "bank_account.create", "bank_account", row.Int("id"), nullptr,
                      {{"uscc", *ent.uscc}, {"bank_name", bank}, {"masked", MaskAccountNumber(digits)}});
  }));
  HQ_ASSIGN_OR_RETURN(auto row, impl.d.db.ReadValue<store::Row>([&](Session& s) {
    return s.QueryOne(detail::kAccountByLookup, {*ent.uscc, lookup}, "账户", "account");
  }));
  return BankAccount{row.Int("id"),         row.Text("uscc"),   row.Text("account_name"),
                     row.Text("bank_name"), row.Text("masked"), row.Text("created_at")};
}

}  // namespace huiqi::payments
