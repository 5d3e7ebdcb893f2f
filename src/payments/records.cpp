// Subsidy records (奖补数据汇聚, 常州办法 第三十、三十一条): every payment made through the platform,
// and those departments import from their own systems in one standard; timeliness in working days;
// duplicate benefits listed, never merged; the reconciliation of batches, lines and budgets.
#include <algorithm>
#include <map>
#include <set>

#include "core/csv.h"
#include "core/money.h"
#include "core/uscc.h"
#include "payments/detail/impl.h"
#include "payments/payments_service.h"

namespace huiqi::payments {

using core::Result;
using core::Status;
using nlohmann::json;
using store::Session;

Status PaymentsService::Impl::RecordPayment(Session& s, const PaymentEntry& e, core::Date paid_on,
                                            const std::string& funding_source, int64_t batch_id) const {
  HQ_ASSIGN_OR_RETURN(auto item, s.QueryOne(detail::kItemGroup, {e.item_id}, "事项", "item"));
  core::Date today = Today();
  int64_t days = std::max(0, d.calendar.WorkingDaysBetween(paid_on, today));
  std::string key = "platform:" + std::to_string(e.id) + ":" + std::to_string(batch_id);
  HQ_ASSIGN_OR_RETURN(
      int64_t n, s.Exec(detail::kInsertRecord,
                        {key, e.uscc, e.enterprise_name, e.item_id, item.Text("source_key"),
                         item.Text("exclusive_group"), e.department_id, e.amount_fen, paid_on.ToString(),
                         funding_source, "", "", paid_on.ToString().substr(0, 4), "platform", e.id, Now(),
                         days, int64_t{days > options.record_days ? 1 : 0}, store::Null()}));
  (void)n;
  return core::Ok();
}

Result<ImportReport> PaymentsService::ImportRecords(const auth::Principal& staff, const std::string& csv,
                                                    bool skip_invalid, const std::string& source) {
  auto& impl = *impl_;
  if (!staff.Is(auth::UserKind::kDepartmentStaff) || !staff.department_id) {
    return core::PermissionDenied("奖补数据由拨付部门的工作人员报送",
                                  "department staff import their records");
  }
  int64_t dept = *staff.department_id;
  HQ_ASSIGN_OR_RETURN(std::string text, core::CsvToUtf8(csv));
  auto rows = core::ReadCsv(text);
  ImportReport report;
  auto problem = [&report](int64_t line, std::string field, std::string message) {
    report.problems.push_back({{"line", line}, {"field", std::move(field)}, {"message", std::move(message)}});
  };
  if (rows.empty() || rows[0].empty() || core::TrimField(rows[0][0]) != "统一社会信用代码") {
    return core::InvalidArgument(
        "file", "header_invalid",
        "第 1 行应为表头：统一社会信用代码,事项编码,金额(元),拨付日期,资金来源,文件依据,项目,所属期",
        "line 1 must be the header");
  }
  struct Rec {
    std::string key, uscc, name, item_key, group, paid_on, funding, basis, project, period;
    std::optional<int64_t> item_id;
    int64_t amount_fen = 0, days = 0;
  };
  std::vector<Rec> recs;
  std::set<std::string> keys;
  core::Date today = impl.Today();
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    int64_t line = static_cast<int64_t>(i) + 1;
    auto col = [&r](size_t k) { return k < r.size() ? core::TrimField(r[k]) : std::string(); };
    if (r.empty() || (col(0).empty() && r.size() == 1)) continue;
    ++report.rows;
    Rec rec;
    auto uscc = core::NormalizeUscc(col(0), "uscc");
    if (!uscc.ok()) {
      problem(line, "uscc", uscc.error().message);
      continue;
    }
    rec.uscc = *uscc;
    rec.item_key = col(1);
    if (!rec.item_key.empty()) {
      HQ_ASSIGN_OR_RETURN(auto item, impl.d.db.ReadValue<std::optional<store::Row>>([&](Session& s) {
        return s.QueryOptional(detail::kItemByKey, {rec.item_key});
      }));
      if (!item) {
        problem(line, "item_key", "事项编码不存在：" + rec.item_key);
        continue;
      }
      rec.item_id = item->Int("id");
      rec.group = item->Text("exclusive_group");
    }
    auto fen = core::ParseMoney(col(2), "amount");
    if (!fen.ok() || *fen <= 0) {
      problem(line, "amount", fen.ok() ? "金额应大于 0" : fen.error().message);
      continue;
    }
    rec.amount_fen = *fen;
    auto paid = core::Date::Parse(col(3), "paid_on");
    if (!paid.ok()) {
      problem(line, "paid_on", "拨付日期应为 YYYY-MM-DD：" + col(3));
      continue;
    }
    if (*paid > today) {
      problem(line, "paid_on", "拨付日期不能晚于今天：" + col(3));
      continue;
    }
    rec.paid_on = paid->ToString();
    rec.funding = col(4);
    rec.basis = col(5);
    rec.project = col(6);
    rec.period = col(7).empty() ? rec.paid_on.substr(0, 4) : col(7);
    rec.days = std::max(0, impl.d.calendar.WorkingDaysBetween(*paid, today));
    rec.key = "import:" + std::to_string(dept) + ":" + rec.uscc + ":" + rec.item_key + ":" +
              std::to_string(rec.amount_fen) + ":" + rec.paid_on + ":" + rec.project + ":" + rec.period;
    if (!keys.insert(rec.key).second) {
      problem(line, "uscc", "与前面的行完全相同（同一企业、事项、金额、日期、项目和所属期）");
      continue;
    }
    HQ_ASSIGN_OR_RETURN(auto ent, impl.d.db.ReadValue<std::optional<store::Row>>([&](Session& s) {
      return s.QueryOptional(detail::kEnterpriseByUscc, {rec.uscc});
    }));
    rec.name = ent ? ent->Text("name") : "";
    recs.push_back(std::move(rec));
  }
  report.rejected = static_cast<int64_t>(report.problems.size());
  if (report.rows == 0) return core::InvalidArgument("file", "file_empty", "文件中没有奖补数据", "no rows");
  if (report.rejected > 0 && !skip_invalid) return report;  // nothing written
  HQ_RETURN_IF_ERROR(impl.d.db.Write([&](Session& s) -> Status {
    std::string now = impl.Now();
    int64_t late = 0;
    for (const auto& r : recs) {
      bool is_late = r.days > impl.options.record_days;
      HQ_ASSIGN_OR_RETURN(
          int64_t n, s.Exec(detail::kInsertRecord,
                            {r.key, r.uscc, r.name, store::OptionalInt(r.item_id), r.item_key, r.group, dept,
                             r.amount_fen, r.paid_on, r.funding, r.basis, r.project, r.period, source,
                             store::Null(), now, r.days, int64_t{is_late ? 1 : 0}, staff.user_id}));
      if (n == 0) {
        ++report.unchanged;  // imported before
      } else {
        ++report.accepted;
        late += is_late ? 1 : 0;
      }
    }
    return impl.Audit(
        s, staff, "subsidy_records.import", "subsidy_record", 0, nullptr,
        {{"rows", report.rows}, {"accepted", report.accepted}, {"late", late}, {"source", source}});
  }));
  report.committed = true;
  return report;
}

Result<std::vector<SubsidyRecord>> PaymentsService::Records(const auth::Principal& viewer,
                                                            const std::string& uscc, bool late_only,
                                                            Page page, int64_t* total) {
  if (viewer.uscc) return core::PermissionDenied();
  int64_t dept = Impl::DepartmentScope(viewer);
  int size = std::clamp(page.page_size, 1, 100);
  int64_t offset = int64_t{std::max(page.page, 1) - 1} * size;
  int64_t late = late_only ? 1 : 0;
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>([&](Session& s) -> Result<store::Rows> {
    if (total) {
      HQ_ASSIGN_OR_RETURN(
          auto c, s.QueryOne(detail::kCountRecords, {dept, dept, uscc, uscc, late}, "奖补数据", "records"));
      *total = c.Int("n");
    }
    return s.Query(detail::kRecords, {dept, dept, uscc, uscc, late, int64_t{size}, offset});
  }));
  std::vector<SubsidyRecord> out;
  std::map<int64_t, std::string> names;
  for (const auto& r : rows) {
    out.push_back(detail::RecordFromRow(r));
    if (out.back().item_id) out.back().item_name = impl_->ItemName(*out.back().item_id, &names);
  }
  return out;
}

Result<std::vector<Duplicate>> PaymentsService::Duplicates(const auth::Principal& viewer) {
  if (viewer.uscc) return core::PermissionDenied();
  int64_t dept = Impl::DepartmentScope(viewer);
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>(
                                     [&](Session& s) { return s.Query(detail::kAllRecords); }));
  struct Group {
    std::vector<int64_t> ids;
    std::set<std::string> items;
    std::set<int64_t> departments;
    int64_t total = 0;
    std::string name, detail;
  };
  std::map<std::string, Group> same_item, same_group, same_project;
  auto add = [](Group& g, const store::Row& r, std::string detail) {
    g.ids.push_back(r.Int("id"));
    g.items.insert(r.Text("item_key"));
    g.departments.insert(r.Int("department_id"));
    g.total += r.Int("amount_fen");
    if (g.name.empty()) g.name = r.Text("enterprise_name");
    g.detail = std::move(detail);
  };
  for (const auto& r : rows) {
    std::string u = r.Text("uscc");
    if (!r.Text("item_key").empty()) {
      add(same_item[u + "|" + r.Text("item_key") + "|" + r.Text("period")], r,
          "事项 " + r.Text("item_key") + "，所属期 " + r.Text("period"));
    }
    if (!r.Text("exclusive_group").empty()) {
      add(same_group[u + "|" + r.Text("exclusive_group") + "|" + r.Text("period")], r,
          "互斥组 " + r.Text("exclusive_group") + "，所属期 " + r.Text("period"));
    }
    if (!r.Text("project").empty())
      add(same_project[u + "|" + r.Text("project")], r, "项目 " + r.Text("project"));
  }
  std::vector<Duplicate> out;
  auto emit = [&](const std::map<std::string, Group>& groups, const char* kind, const char* label,
                  auto keep) {
    for (const auto& [key, g] : groups) {
      if (!keep(g)) continue;
      if (dept != 0 && g.departments.count(dept) == 0) continue;  // a department sees those it paid in
      Duplicate d;
      d.kind = kind;
      d.kind_label = label;
      d.uscc = key.substr(0, key.find('|'));
      d.enterprise_name = g.name;
      d.detail = g.detail;
      d.record_ids = g.ids;
      d.total_fen = g.total;
      out.push_back(std::move(d));
    }
  };
  emit(same_item, "same_item_period", "同一事项同一所属期重复享受",
       [](const Group& g) { return g.ids.size() > 1; });
  emit(same_group, "exclusive_group", "同一互斥组多项享受",
       [](const Group& g) { return g.items.size() > 1; });
  emit(same_project, "same_project", "同一项目多部门重复支持",
       [](const Group& g) { return g.departments.size() > 1; });
  return out;
}

Result<Reconciliation> PaymentsService::Reconcile() { return payments::Reconcile(impl_->d.db); }

Result<Reconciliation> Reconcile(store::Database& db) {
  return db.ReadValue<Reconciliation>([](Session& s) -> Result<Reconciliation> {
    Reconciliation rec;
    auto bad = [&rec](std::string p) {
      rec.ok = false;
      rec.problems.push_back(std::move(p));
    };
    HQ_ASSIGN_OR_RETURN(auto batches, s.Query(detail::kBatchTotals));
    for (const auto& b : batches) {
      ++rec.batches;
      if (b.Int("total_fen") != b.Int("line_total") || b.Int("entry_count") != b.Int("line_count")) {
        bad("批次 " + b.Text("batch_no") + " 合计 " + YuanText(b.Int("total_fen")) + "（" +
            std::to_string(b.Int("entry_count")) + " 笔）与明细之和 " + YuanText(b.Int("line_total")) + "（" +
            std::to_string(b.Int("line_count")) + " 笔）不符");
      }
    }
    HQ_ASSIGN_OR_RETURN(auto budgets, s.Query(detail::kBudgetTotals));
    for (const auto& b : budgets) {
      ++rec.budgets;
      std::string id = std::to_string(b.Int("id"));
      int64_t committed = b.Int("c") - b.Int("r") - b.Int("p");
      if (b.Int("committed_fen") != committed || b.Int("committed_fen") != b.Int("lines_open")) {
        bad("预算 " + id + " 已占用 " + YuanText(b.Int("committed_fen")) + "，按变动记录应为 " +
            YuanText(committed) + "，按未回盘明细应为 " + YuanText(b.Int("lines_open")));
      }
      if (b.Int("paid_fen") != b.Int("p") || b.Int("paid_fen") != b.Int("lines_paid")) {
        bad("预算 " + id + " 已支付 " + YuanText(b.Int("paid_fen")) + "，按变动记录应为 " +
            YuanText(b.Int("p")) + "，按成功明细应为 " + YuanText(b.Int("lines_paid")));
      }
      if (b.Int("committed_fen") + b.Int("paid_fen") > b.Int("total_fen")) bad("预算 " + id + " 超支");
    }
    HQ_ASSIGN_OR_RETURN(auto entries, s.Query(detail::kEntryLines));
    for (const auto& e : entries) {
      ++rec.entries;
      std::string st = e.Text("status");
      int64_t paid = e.Int("paid_lines"), open = e.Int("open_lines");
      if (paid > 1) bad("明细 " + std::to_string(e.Int("id")) + " 被支付了 " + std::to_string(paid) + " 次");
      if ((st == "paid") != (paid == 1)) {
        bad("明细 " + std::to_string(e.Int("id")) + " 状态为 " + st + "，成功支付行 " + std::to_string(paid));
      }
      if ((st == "in_batch") != (open == 1)) {
        bad("明细 " + std::to_string(e.Int("id")) + " 状态为 " + st + "，未回盘行 " + std::to_string(open));
      }
    }
    return rec;
  });
}

}  // namespace huiqi::payments
