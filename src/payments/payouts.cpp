// The support list, budgets, payment batches and bank files (常州办法 第二十七条: finance pays
// directly). Money moves only through guarded transitions: an entry's status in the WHERE, a
// budget's remaining amount in the WHERE of the commit.
#include <algorithm>
#include <map>
#include <set>

#include "core/csv.h"
#include "core/money.h"
#include "payments/detail/impl.h"
#include "payments/payments_service.h"

namespace huiqi::payments {

using core::Result;
using core::Status;
using nlohmann::json;
using store::Session;

namespace {

json EntrySummary(const PaymentEntry& e) {
  return {{"status", e.status},
          {"amount_fen", e.amount_fen},
          {"batch_id", e.batch_id ? json(*e.batch_id) : json()},
          {"bank_account_id", e.bank_account_id ? json(*e.bank_account_id) : json()}};
}

Status RequireFinance(const auth::Principal& p) {
  if (p.Is(auth::UserKind::kFinance)) return core::Ok();
  return core::PermissionDenied("只有财政人员可以办理预算和支付批次", "finance only");
}

int Size(const Page& p) { return std::clamp(p.page_size, 1, 100); }
int64_t Offset(const Page& p) { return int64_t{std::max(p.page, 1) - 1} * Size(p); }

}  // namespace

// ---- the support list ----

Result<int64_t> PaymentsService::CollectApproved(const auth::Principal& staff) {
  auto& impl = *impl_;
  if (!staff.Is(auth::UserKind::kDepartmentStaff) && !staff.Is(auth::UserKind::kPlatformAdmin) &&
      !staff.Is(auth::UserKind::kFinance)) {
    return core::PermissionDenied();
  }
  int64_t dept = Impl::DepartmentScope(staff);
  return impl.d.db.WriteValue<int64_t>([&](Session& s) -> Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(auto apps, s.Query(detail::kApprovedApplications, {dept, dept}));
    int64_t added = 0;
    for (const auto& a : apps) {
      HQ_ASSIGN_OR_RETURN(auto account, s.QueryOptional(detail::kDefaultAccount, {a.Text("uscc")}));
      std::string approved = a.Text("decided_at").substr(0, 10);
      if (approved.empty()) approved = impl.Today().ToString();
      HQ_ASSIGN_OR_RETURN(
          int64_t n,
          s.Exec(detail::kInsertPaymentEntry,
                 {a.Int("item_id"), a.Int("department_id"), a.Text("uscc"), a.Text("enterprise_name"),
                  a.Int("amount_approved_fen"), "application", a.Int("id"),
                  account ? store::Value(account->Int("id")) : store::Null(), approved, impl.Now()}));
      added += n;
    }
    if (added > 0) {
      HQ_RETURN_IF_ERROR(
          impl.Audit(s, staff, "payment_entries.collect", "payment_entry", 0, nullptr, {{"added", added}}));
    }
    return added;
  });
}

Result<std::vector<PaymentEntry>> PaymentsService::Entries(const auth::Principal& viewer,
                                                           std::optional<int64_t> item_id,
                                                           const std::string& status, Page page,
                                                           int64_t* total, std::optional<int64_t> batch_id) {
  int64_t dept = Impl::DepartmentScope(viewer);
  std::string uscc = viewer.uscc.value_or("");
  if (uscc.empty() && !viewer.Is(auth::UserKind::kDepartmentStaff) && !viewer.Is(auth::UserKind::kFinance) &&
      !viewer.Is(auth::UserKind::kPlatformAdmin)) {
    return core::PermissionDenied();
  }
  int64_t item = item_id.value_or(0);
  int64_t batch = batch_id.value_or(0);
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>([&](Session& s) -> Result<store::Rows> {
    if (total) {
      HQ_ASSIGN_OR_RETURN(
          auto c, s.QueryOne(detail::kCountPaymentEntries,
                             {dept, dept, item, item, status, status, uscc, uscc, batch, batch}, "兑付明细",
                             "entries"));
      *total = c.Int("n");
    }
    return s.Query(detail::kPaymentEntries, {dept, dept, item, item, status, status, uscc, uscc, batch, batch,
                                             int64_t{Size(page)}, Offset(page)});
  }));
  std::vector<PaymentEntry> out;
  core::Date today = impl_->Today();
  std::map<int64_t, std::string> names;
  for (const auto& r : rows) {
    PaymentEntry e = detail::EntryFromRow(r);
    e.item_name = impl_->ItemName(e.item_id, &names);
    if (e.approved_on) e.working_days_waiting = impl_->d.calendar.WorkingDaysBetween(*e.approved_on, today);
    e.overdue = e.status != "paid" &&
                ((e.due_on && *e.due_on < today) || e.working_days_waiting > impl_->options.unpaid_flag_days);
    out.push_back(std::move(e));
  }
  return out;
}

Result<int64_t> PaymentsService::ConfirmEntries(const auth::Principal& reviewer,
                                                const std::vector<int64_t>& ids) {
  auto& impl = *impl_;
  if (!Impl::IsReviewer(reviewer) || reviewer.uscc) {
    return core::PermissionDenied("兑付清单须由本部门审核人员确认", "a reviewer of the department confirms");
  }
  if (ids.empty())
    return core::InvalidArgument("ids", "ids_required", "请选择要确认的明细", "no entries named");
  core::Date due = impl.Due(impl.Today(), impl.options.pay_days);
  return impl.d.db.WriteValue<int64_t>([&](Session& s) -> Result<int64_t> {
    int64_t n = 0;
    for (int64_t id : ids) {
      HQ_ASSIGN_OR_RETURN(PaymentEntry e, impl.LoadEntry(s, id));
      if (!auth::RequireDepartment(reviewer, e.department_id).ok())
        return core::NotFound("兑付明细", "entry");
      HQ_RETURN_IF_ERROR(
          detail::EntryMachine().Apply(s, "confirm", id, e.status, detail::kConfirmEntry, {due.ToString()}));
      PaymentEntry after = e;
      after.status = "confirmed";
      HQ_RETURN_IF_ERROR(impl.Audit(s, reviewer, "payment_entry.confirm", "payment_entry", id,
                                    EntrySummary(e), EntrySummary(after)));
      HQ_RETURN_IF_ERROR(impl.TellEnterprise(s, e.uscc, "payment.confirmed", "兑付已确认：" + e.item_name,
                                             "“" + e.item_name + "”" + core::FormatYuan(e.amount_fen) +
                                                 " 已列入兑付清单，财政部门将于 " + due.ToString() +
                                                 " 前拨付。",
                                             "/space/payments", "payment_entry", id, "", {}));
      ++n;
    }
    return n;
  });
}

// ---- budgets ----

Result<Budget> PaymentsService::SetBudget(const auth::Principal& finance, int64_t item_id,
                                          const std::string& funding_source, int64_t total_fen) {
  auto& impl = *impl_;
  HQ_RETURN_IF_ERROR(RequireFinance(finance));
  std::string source = core::TrimField(funding_source);
  if (source.empty()) {
    return core::InvalidArgument("funding_source", "funding_source_required", "请填写资金来源",
                                 "the funding source is required");
  }
  if (total_fen < 0) {
    return core::InvalidArgument("total_fen", "amount_invalid", "预算金额不能为负", "the budget is negative");
  }
  HQ_ASSIGN_OR_RETURN(policy::Item item, impl.d.policies.GetItem(nullptr, item_id));
  HQ_ASSIGN_OR_RETURN(auto row, impl.d.db.WriteValue<store::Row>([&](Session& s) -> Result<store::Row> {
    HQ_ASSIGN_OR_RETURN(auto before, s.QueryOptional(detail::kBudgetOf, {item.id, source}));
    if (before && before->Int("committed_fen") + before->Int("paid_fen") > total_fen) {
      return core::MakeError(core::ErrorKind::kFailedPrecondition, "budget_below_use",
                             "预算不能低于已占用与已支付之和 " +
                                 core::FormatYuan(before->Int("committed_fen") + before->Int("paid_fen")),
                             "the budget is below what is committed and paid", "total_fen");
    }
    HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(detail::kUpsertBudget, {item.id, source, total_fen, impl.Now()}));
    (void)n;
    HQ_ASSIGN_OR_RETURN(auto after, s.QueryOne(detail::kBudgetOf, {item.id, source}, "预算", "budget"));
    HQ_RETURN_IF_ERROR(
        impl.Audit(s, finance, "budget.set", "budget", after.Int("id"),
                   before ? json{{"total_fen", before->Int("total_fen")}} : json(),
                   {{"item_id", item.id}, {"funding_source", source}, {"total_fen", total_fen}}));
    return after;
  }));
  Budget b = detail::BudgetFromRow(row);
  b.item_name = item.name;
  return b;
}

Result<std::vector<Budget>> PaymentsService::Budgets(const auth::Principal& viewer) {
  if (viewer.uscc) return core::PermissionDenied();
  int64_t dept = Impl::DepartmentScope(viewer);
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>([&](Session& s) {
    return s.Query(detail::kBudgets, {dept, dept});
  }));
  std::vector<Budget> out;
  std::map<int64_t, std::string> names;
  for (const auto& r : rows) {
    out.push_back(detail::BudgetFromRow(r));
    out.back().item_name = impl_->ItemName(out.back().item_id, &names);
  }
  return out;
}

// ---- batches ----

Result<Batch> PaymentsService::CreateBatch(const auth::Principal& finance, int64_t item_id,
                                           const std::string& funding_source,
                                           const std::vector<int64_t>& ids) {
  auto& impl = *impl_;
  HQ_RETURN_IF_ERROR(RequireFinance(finance));
  std::string source = core::TrimField(funding_source);
  HQ_ASSIGN_OR_RETURN(int64_t batch_id, impl.d.db.WriteValue<int64_t>([&](Session& s) -> Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(auto budget, s.QueryOptional(detail::kBudgetOf, {item_id, source}));
    if (!budget) {
      return core::MakeError(core::ErrorKind::kFailedPrecondition, "no_budget",
                             "该事项在资金来源“" + source + "”下没有预算，请先设置预算", "no budget",
                             "funding_source");
    }
    std::vector<PaymentEntry> entries;
    if (ids.empty()) {
      HQ_ASSIGN_OR_RETURN(auto rows,
                          s.Query(detail::kPaymentEntries,
                                  {int64_t{0}, int64_t{0}, item_id, item_id, "confirmed", "confirmed", "", "",
                                   int64_t{0}, int64_t{0}, int64_t{1000000}, int64_t{0}}));
      for (const auto& r : rows) entries.push_back(detail::EntryFromRow(r));
    } else {
      for (int64_t id : ids) {
        HQ_ASSIGN_OR_RETURN(PaymentEntry e, impl.LoadEntry(s, id));
        if (e.item_id != item_id) {
          return core::InvalidArgument("entry_ids", "entry_other_item",
                                       "明细 " + std::to_string(id) + " 不属于该事项",
                                       "an entry of another item");
        }
        entries.push_back(std::move(e));
      }
    }
    if (entries.empty()) {
      return core::MakeError(core::ErrorKind::kFailedPrecondition, "nothing_to_pay",
                             "该事项没有待支付（部门已确认）的明细", "no confirmed entries", "entry_ids");
    }
    int64_t total = 0;
    for (const auto& e : entries) {
      if (!e.bank_account_id) {
        return core::MakeError(core::ErrorKind::kFailedPrecondition, "account_missing",
                               e.enterprise_name + " 尚无收款账户，不能编入批次",
                               "an entry without an account", "entry_ids");
      }
      total += e.amount_fen;
    }
    std::string now = impl.Now();
    // The budget's remaining amount is checked by the UPDATE itself: two batches racing for the
    // last of a budget cannot both pass.
    HQ_ASSIGN_OR_RETURN(int64_t fits, s.Exec(detail::kCommitBudget, {total, now, budget->Int("id"), total}));
    if (fits != 1) {
      Budget b = detail::BudgetFromRow(*budget);
      return core::MakeError(core::ErrorKind::kFailedPrecondition, "budget_exceeded",
                             "批次金额 " + core::FormatYuan(total) + " 超出预算剩余 " +
                                 core::FormatYuan(b.remaining_fen()) + "，未生成批次",
                             "the batch exceeds the budget", "entry_ids");
    }
    std::string day = impl.Today().ToString();
    std::string prefix = "PB" + day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
    HQ_ASSIGN_OR_RETURN(auto count, s.QueryOne(detail::kCountBatchesOn, {prefix + "%"}, "批次", "batches"));
    std::string seq = std::to_string(count.Int("n") + 1);
    if (seq.size() < 3) seq.insert(0, 3 - seq.size(), '0');
    HQ_ASSIGN_OR_RETURN(
        auto row, s.QueryOne(detail::kInsertBatch,
                             {prefix + seq, item_id, budget->Int("id"), static_cast<int64_t>(entries.size()),
                              total, finance.user_id, now},
                             "批次", "batch"));
    int64_t id = row.Int("id");
    for (const auto& e : entries) {
      HQ_RETURN_IF_ERROR(
          detail::EntryMachine().Apply(s, "batch", e.id, e.status, detail::kEntryToBatch, {id}));
      HQ_ASSIGN_OR_RETURN(auto account,
                          s.QueryOne(detail::kAccountSecret, {*e.bank_account_id}, "账户", "account"));
      HQ_ASSIGN_OR_RETURN(int64_t n,
                          s.Exec(detail::kInsertLine, {id, e.id, e.amount_fen, account.Text("account_name"),
                                                       account.Text("bank_name"), *e.bank_account_id}));
      (void)n;
      PaymentEntry after = e;
      after.status = "in_batch";
      after.batch_id = id;
      HQ_RETURN_IF_ERROR(impl.Audit(s, finance, "payment_entry.batch", "payment_entry", e.id, EntrySummary(e),
                                    EntrySummary(after)));
    }
    HQ_ASSIGN_OR_RETURN(
        int64_t m, s.Exec(detail::kInsertMove, {budget->Int("id"), "commit", total, id, store::Null(), now}));
    (void)m;
    HQ_RETURN_IF_ERROR(impl.Audit(s, finance, "payment_batch.create", "payment_batch", id, nullptr,
                                  {{"item_id", item_id}, {"entries", entries.size()}, {"total_fen", total}}));
    return id;
  }));
  return GetBatch(finance, batch_id);
}

Result<std::vector<Batch>> PaymentsService::Batches(const auth::Principal& finance, Page page,
                                                    int64_t* total) {
  if (!finance.Is(auth::UserKind::kFinance) && !finance.Is(auth::UserKind::kPlatformAdmin)) {
    return core::PermissionDenied();
  }
  HQ_ASSIGN_OR_RETURN(auto rows, impl_->d.db.ReadValue<store::Rows>([&](Session& s) -> Result<store::Rows> {
    if (total) {
      HQ_ASSIGN_OR_RETURN(auto c, s.QueryOne(detail::kCountBatches, {}, "批次", "batches"));
      *total = c.Int("n");
    }
    return s.Query(detail::kBatches, {int64_t{Size(page)}, Offset(page)});
  }));
  std::vector<Batch> out;
  std::map<int64_t, std::string> names;
  for (const auto& r : rows) {
    out.push_back(detail::BatchFromRow(r));
    out.back().item_name = impl_->ItemName(out.back().item_id, &names);
  }
  return out;
}

Result<Batch> PaymentsService::GetBatch(const auth::Principal& finance, int64_t batch_id) {
  if (!finance.Is(auth::UserKind::kFinance) && !finance.Is(auth::UserKind::kPlatformAdmin)) {
    return core::NotFound("支付批次", "batch");
  }
  HQ_ASSIGN_OR_RETURN(auto row, impl_->d.db.ReadValue<store::Row>([&](Session& s) {
    return s.QueryOne(detail::kGetBatch, {batch_id}, "支付批次", "batch");
  }));
  Batch b = detail::BatchFromRow(row);
  b.item_name = impl_->ItemName(b.item_id);
  return b;
}

Result<std::string> PaymentsService::ExportBatch(const auth::Principal& finance, int64_t batch_id) {
  auto& impl = *impl_;
  HQ_RETURN_IF_ERROR(RequireFinance(finance));
  HQ_ASSIGN_OR_RETURN(Batch b, GetBatch(finance, batch_id));
  return impl.d.db.WriteValue<std::string>([&](Session& s) -> Result<std::string> {
    HQ_ASSIGN_OR_RETURN(auto lines, s.Query(detail::kLinesOf, {batch_id}));
    std::string out = "批次号,明细号,收款户名,收款账号,开户行,金额(元),用途\r\n";
    int64_t total = 0;
    for (const auto& l : lines) {
      HQ_ASSIGN_OR_RETURN(auto account,
                          s.QueryOne(detail::kAccountSecret, {l.Int("bank_account_id")}, "账户", "account"));
      HQ_ASSIGN_OR_RETURN(std::string number,
                          impl.d.keys.Open(account.Text("number_sealed"), "bank_account"));
      out += core::CsvField(b.batch_no) + "," + std::to_string(l.Int("entry_id")) + "," +
             core::CsvField(l.Text("account_name")) + "," + number + "," +
             core::CsvField(l.Text("bank_name")) + "," + YuanText(l.Int("amount_fen")) + "," +
             core::CsvField(b.item_name) + "\r\n";
      total += l.Int("amount_fen");
    }
    out += "合计," + std::to_string(lines.size()) + ",,,," + YuanText(total) + ",\r\n";
    if (b.status == "open") {
      HQ_RETURN_IF_ERROR(
          detail::BatchMachine().Apply(s, "export", batch_id, b.status, detail::kExportBatch, {impl.Now()}));
    }
    HQ_RETURN_IF_ERROR(impl.Audit(s, finance, "payment_batch.export", "payment_batch", batch_id,
                                  {{"status", b.status}},
                                  {{"status", b.status == "open" ? "exported" : b.status}}));
    return out;
  });
}

namespace {

struct ResultLine {
  int64_t line = 0, entry_id = 0, amount_fen = 0;
  std::string result, message, reference;
  core::Date date;
};

std::string ResultCode(const std::string& text) {
  if (text == "成功" || text == "paid") return "paid";
  if (text == "失败" || text == "failed") return "failed";
  if (text == "退回" || text == "returned") return "returned";
  return "";
}

}  // namespace

Result<ImportReport> PaymentsService::ImportBankResult(const auth::Principal& finance, int64_t batch_id,
                                                       const std::string& csv) {
  auto& impl = *impl_;
  HQ_RETURN_IF_ERROR(RequireFinance(finance));
  HQ_ASSIGN_OR_RETURN(Batch b, GetBatch(finance, batch_id));
  if (b.status == "open") {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "not_exported",
                           "批次尚未导出银行文件，不能导入回盘", "the batch was not exported");
  }
  std::string sha = Sha256Hex(csv);
  ImportReport report;
  HQ_ASSIGN_OR_RETURN(std::string text, core::CsvToUtf8(csv));
  auto rows = core::ReadCsv(text);
  auto problem = [&report](int64_t line, std::string field, std::string message) {
    report.problems.push_back({{"line", line}, {"field", std::move(field)}, {"message", std::move(message)}});
  };
  if (rows.empty() || rows[0].empty() || core::TrimField(rows[0][0]) != "明细号") {
    return core::InvalidArgument("file", "header_invalid",
                                 "第 1 行应为表头：明细号,金额(元),结果,原因,银行流水号,日期",
                                 "line 1 must be the header");
  }
  HQ_ASSIGN_OR_RETURN(auto batch_lines, impl.d.db.ReadValue<store::Rows>([&](Session& s) {
    return s.Query(detail::kLinesOf, {batch_id});
  }));
  std::map<int64_t, const store::Row*> in_batch;
  for (const auto& l : batch_lines) in_batch[l.Int("entry_id")] = &l;
  std::vector<ResultLine> lines;
  std::set<int64_t> seen;
  int64_t sum = 0;
  std::optional<int64_t> stated_total;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    int64_t line = static_cast<int64_t>(i) + 1;
    auto col = [&r](size_t k) { return k < r.size() ? core::TrimField(r[k]) : std::string(); };
    if (r.empty() || col(0).empty()) continue;
    if (col(0) == "合计") {
      auto t = core::ParseMoney(col(1), "total");
      if (!t.ok()) {
        problem(line, "total", "合计金额无法识别：" + col(1));
      } else {
        stated_total = *t;
      }
      continue;
    }
    ++report.rows;
    ResultLine rl;
    rl.line = line;
    try {
      size_t used = 0;
      rl.entry_id = std::stoll(col(0), &used);
      if (used != col(0).size()) throw std::invalid_argument("id");
    } catch (const std::exception&) {
      problem(line, "entry_id", "明细号无法识别：" + col(0));
      continue;
    }
    auto it = in_batch.find(rl.entry_id);
    if (it == in_batch.end()) {
      problem(line, "entry_id", "明细号 " + col(0) + " 不在批次 " + b.batch_no + " 中");
      continue;
    }
    if (!seen.insert(rl.entry_id).second) {
      problem(line, "entry_id", "明细号 " + col(0) + " 重复出现");
      continue;
    }
    auto fen = core::ParseMoney(col(1), "amount");
    if (!fen.ok() || *fen != it->second->Int("amount_fen")) {
      problem(line, "amount",
              "金额 " + col(1) + " 与批次明细金额 " + YuanText(it->second->Int("amount_fen")) + " 不符");
      continue;
    }
    rl.amount_fen = *fen;
    sum += *fen;
    rl.result = ResultCode(col(2));
    if (rl.result.empty()) {
      problem(line, "result", "结果应为 成功、失败 或 退回：" + col(2));
      continue;
    }
    rl.message = col(3);
    if (rl.result != "paid" && rl.message.empty()) {
      problem(line, "message", "失败或退回须写明原因");
      continue;
    }
    rl.reference = col(4);
    auto date = core::Date::Parse(col(5), "date");
    if (!date.ok()) {
      problem(line, "date", "日期应为 YYYY-MM-DD：" + col(5));
      continue;
    }
    rl.date = *date;
    if (!it->second->IsNull("result") && it->second->Text("result") != rl.result) {
      problem(line, "result", "明细号 " + col(0) + " 已有不同的回盘结果，不能更改");
      continue;
    }
    lines.push_back(rl);
  }
  if (!stated_total) {
    problem(static_cast<int64_t>(rows.size()), "total", "缺少合计行");
  } else if (report.problems.empty() && *stated_total != sum) {
    problem(static_cast<int64_t>(rows.size()), "total",
            "合计 " + YuanText(*stated_total) + " 与各行金额之和 " + YuanText(sum) + " 不符");
  }
  report.rejected = static_cast<int64_t>(report.problems.size());
  if (report.rejected > 0) return report;  // refused whole: nothing changes
  HQ_ASSIGN_OR_RETURN(auto budget_row, impl.d.db.ReadValue<store::Row>([&](Session& s) {
    return s.QueryOne(detail::kGetBatch, {batch_id}, "支付批次", "batch");
  }));
  int64_t budget_id = budget_row.Int("budget_id");
  HQ_RETURN_IF_ERROR(impl.d.db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(auto again, s.QueryOptional(detail::kResultFileSeen, {batch_id, sha}));
    if (again) {
      report.unchanged = report.rows;
      return core::Ok();
    }
    std::string now = impl.Now();
    for (const auto& rl : lines) {
      HQ_ASSIGN_OR_RETURN(int64_t set, s.Exec(detail::kSetLineResult, {rl.result, batch_id, rl.entry_id}));
      if (set == 0) {  // answered the same way before
        ++report.unchanged;
        continue;
      }
      HQ_ASSIGN_OR_RETURN(PaymentEntry e, impl.LoadEntry(s, rl.entry_id));
      HQ_RETURN_IF_ERROR(detail::EntryMachine().Apply(
          s, rl.result, e.id, e.status, detail::kEntryResult,
          {rl.result, rl.result == "paid" ? store::Value(rl.date.ToString()) : store::Null(), rl.message,
           rl.reference}));
      PaymentEntry after = e;
      after.status = rl.result;
      HQ_RETURN_IF_ERROR(impl.Audit(s, finance, "payment_entry." + rl.result, "payment_entry", e.id,
                                    EntrySummary(e), EntrySummary(after)));
      if (rl.result == "paid") {
        HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(detail::kPayBudget,
                                              {rl.amount_fen, rl.amount_fen, now, budget_id, rl.amount_fen}));
        if (n != 1) return core::Internal("budget committed amount below a paid line");
        HQ_ASSIGN_OR_RETURN(
            int64_t m, s.Exec(detail::kInsertMove, {budget_id, "pay", rl.amount_fen, batch_id, e.id, now}));
        (void)m;
        HQ_RETURN_IF_ERROR(impl.RecordPayment(s, e, rl.date, b.funding_source, batch_id));
        HQ_RETURN_IF_ERROR(
            impl.TellEnterprise(s, e.uscc, "payment.paid", "已到账：" + e.item_name,
                                "“" + e.item_name + "”" + core::FormatYuan(e.amount_fen) + " 已于 " +
                                    rl.date.ToString() + " 拨付至您的账户 " + e.bank_account_masked + "。",
                                "/space/payments", "payment_entry", e.id, "SMS_NOTICE",
                                {{"text", "“" + e.item_name + "”" + core::FormatYuan(e.amount_fen) +
                                              " 已于 " + rl.date.ToString() + " 到账。"}}));
      } else {
        HQ_ASSIGN_OR_RETURN(int64_t n,
                            s.Exec(detail::kReleaseBudget, {rl.amount_fen, now, budget_id, rl.amount_fen}));
        if (n != 1) return core::Internal("budget committed amount below a failed line");
        HQ_ASSIGN_OR_RETURN(int64_t m, s.Exec(detail::kInsertMove,
                                              {budget_id, "release", rl.amount_fen, batch_id, e.id, now}));
        (void)m;
        std::string what = rl.result == "failed" ? "支付失败" : "资金退回";
        HQ_RETURN_IF_ERROR(impl.TellEnterprise(s, e.uscc, "payment." + rl.result, what + "：" + e.item_name,
                                               "“" + e.item_name + "”" + what + "，原因：" + rl.message +
                                                   "。财政部门将重新发起支付；如账户有误请联系" +
                                                   e.item_name + "主管部门。",
                                               "/space/payments", "payment_entry", e.id, "", {}));
      }
      ++report.accepted;
    }
    HQ_ASSIGN_OR_RETURN(
        int64_t f, s.Exec(detail::kInsertResultFile, {batch_id, sha, report.rows, finance.user_id, now}));
    (void)f;
    HQ_ASSIGN_OR_RETURN(auto open, s.QueryOne(detail::kOpenLines, {batch_id}, "批次", "batch"));
    HQ_ASSIGN_OR_RETURN(auto current, s.QueryOne(detail::kCurrentBatch, {batch_id}, "批次", "batch"));
    if (open.Int("n") == 0 && current.Text("status") == "exported") {
      HQ_RETURN_IF_ERROR(
          detail::BatchMachine().Apply(s, "settle", batch_id, "exported", detail::kSettleBatch, {now}));
    }
    return impl.Audit(s, finance, "payment_batch.result", "payment_batch", batch_id, nullptr,
                      {{"sha256", sha}, {"lines", report.rows}, {"changed", report.accepted}});
  }));
  report.committed = true;
  report.id = batch_id;
  return report;
}

Result<PaymentEntry> PaymentsService::Reissue(const auth::Principal& finance, int64_t entry_id,
                                              std::optional<int64_t> account_id) {
  auto& impl = *impl_;
  HQ_RETURN_IF_ERROR(RequireFinance(finance));
  HQ_RETURN_IF_ERROR(impl.d.db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(PaymentEntry e, impl.LoadEntry(s, entry_id));
    std::optional<int64_t> account = account_id ? account_id : e.bank_account_id;
    if (account_id) {
      HQ_ASSIGN_OR_RETURN(auto a, s.QueryOne(detail::kAccountSecret, {*account_id}, "账户", "account"));
      if (a.Text("uscc") != e.uscc) {
        return core::InvalidArgument("account_id", "account_unknown", "收款账户不是该企业的账户",
                                     "the account is not the enterprise's");
      }
    }
    HQ_RETURN_IF_ERROR(detail::EntryMachine().Apply(s, "reissue", entry_id, e.status, detail::kReissueEntry,
                                                    {store::OptionalInt(account)}));
    PaymentEntry after = e;
    after.status = "confirmed";
    after.batch_id.reset();
    after.bank_account_id = account;
    return impl.Audit(s, finance, "payment_entry.reissue", "payment_entry", entry_id, EntrySummary(e),
                      EntrySummary(after));
  }));
  return impl.d.db.ReadValue<PaymentEntry>([&](Session& s) { return impl.LoadEntry(s, entry_id); });
}

}  // namespace huiqi::payments
