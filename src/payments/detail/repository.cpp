#include "payments/detail/repository.h"

namespace huiqi::payments {
namespace detail {

using store::Row;

const state::Machine& ListMachine() {
  static const state::Machine m(
      "offer_list", "免申即享名单", {{"draft", "待审核"}, {"sent", "已审核并推送"}, {"discarded", "已作废"}},
      {{"approve", "审核通过并推送", {"draft"}, "sent"}, {"discard", "作废", {"draft"}, "discarded"}},
      kCurrentList);
  return m;
}

const state::Machine& OfferMachine() {
  static const state::Machine m("offer", "免申即享确认",
                                {{"pending", "待确认"},
                                 {"confirmed", "已确认"},
                                 {"declined", "已放弃"},
                                 {"objected", "有异议待答复"},
                                 {"expired", "已逾期"}},
                                {{"confirm", "确认", {"pending"}, "confirmed"},
                                 {"decline", "放弃", {"pending"}, "declined"},
                                 {"object", "提出异议", {"pending"}, "objected"},
                                 {"answer", "答复异议", {"objected"}, "pending"},
                                 {"expire", "逾期未确认", {"pending"}, "expired"}},
                                kCurrentOffer);
  return m;
}

const state::Machine& EntryMachine() {
  static const state::Machine m("payment_entry", "兑付明细",
                                {{"pending", "待部门确认"},
                                 {"confirmed", "待支付"},
                                 {"in_batch", "支付中"},
                                 {"paid", "已到账"},
                                 {"failed", "支付失败"},
                                 {"returned", "资金退回"}},
                                {{"confirm", "部门确认", {"pending"}, "confirmed"},
                                 {"batch", "编入支付批次", {"confirmed"}, "in_batch"},
                                 {"paid", "银行支付成功", {"in_batch"}, "paid"},
                                 {"failed", "银行支付失败", {"in_batch"}, "failed"},
                                 {"returned", "资金退回", {"in_batch"}, "returned"},
                                 {"reissue", "重新发起支付", {"failed", "returned"}, "confirmed"}},
                                kCurrentEntry);
  return m;
}

const state::Machine& BatchMachine() {
  static const state::Machine m(
      "payment_batch", "支付批次",
      {{"open", "已生成"}, {"exported", "已导出银行文件"}, {"settled", "已结算"}},
      {{"export", "导出银行文件", {"open"}, "exported"}, {"settle", "回盘完成", {"exported"}, "settled"}},
      kCurrentBatch);
  return m;
}

std::string_view OfferStatusLabel(std::string_view s) { return OfferMachine().Label(s); }
std::string_view EntryStatusLabel(std::string_view s) { return EntryMachine().Label(s); }

}  // namespace detail

std::string_view StatusLabel(std::string_view kind, std::string_view status) {
  if (kind == "list") return detail::ListMachine().Label(status);
  if (kind == "offer") return detail::OfferMachine().Label(status);
  if (kind == "entry") return detail::EntryMachine().Label(status);
  if (kind == "batch") return detail::BatchMachine().Label(status);
  if (kind == "claim") {
    if (status == "open") return "待答复";
    if (status == "answered") return "已答复";
  }
  return status;
}

namespace detail {

std::optional<core::Date> DateOf(const Row& r, std::string_view col) {
  if (r.IsNull(col)) return std::nullopt;
  auto d = core::Date::Parse(r.Text(col).substr(0, 10));
  if (!d.ok()) return std::nullopt;
  return *d;
}

namespace {
nlohmann::json JsonOr(const std::string& text, nlohmann::json fallback) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}
}  // namespace

OfferList ListFromRow(const Row& r) {
  OfferList l;
  l.id = r.Int("id");
  l.item_id = r.Int("item_id");
  l.department_id = r.Int("department_id");
  l.status = r.Text("status");
  l.source = r.Text("source");
  l.rule_text = r.Text("rule_text");
  l.rule_version = r.Int("rule_version");
  l.entries = r.Int("entry_count");
  l.total_fen = r.Int("total_fen");
  l.without_amount = r.Int("without_amount");
  l.confirm_days = static_cast<int>(r.Int("confirm_days"));
  l.created_at = r.Text("created_at");
  l.approved_at = r.Text("approved_at");
  l.note = r.Text("note");
  l.created_by_id = r.Int("created_by");
  l.created_by = r.Text("created_by_name");
  l.approved_by = r.Text("approved_by_name");
  return l;
}

Offer OfferFromRow(const Row& r) {
  Offer o;
  o.id = r.Int("id");
  o.list_id = r.Int("list_id");
  o.item_id = r.Int("item_id");
  o.department_id = r.Int("department_id");
  o.uscc = r.Text("uscc");
  o.enterprise_name = r.Text("enterprise_name");
  o.amount_fen = r.OptInt("amount_fen");
  o.status = r.Text("status");
  o.status_label = std::string(OfferStatusLabel(o.status));
  o.due_on = DateOf(r, "due_on");
  o.bank_account_id = r.OptInt("bank_account_id");
  o.bank_account_masked = r.Text("masked");
  o.decline_reason = r.Text("decline_reason");
  o.objection = r.Text("objection");
  o.answer = r.Text("answer");
  o.created_at = r.Text("created_at");
  o.responded_at = r.Text("responded_at");
  o.basis = r.Text("basis");
  o.trace = JsonOr(r.Text("trace"), nlohmann::json::array());
  o.facts = JsonOr(r.Text("facts"), nlohmann::json::object());
  o.rule_version = r.Int("rule_version");
  o.rule_text = r.Text("rule_text");
  o.department_name = r.Text("department_name");
  return o;
}

PaymentEntry EntryFromRow(const Row& r) {
  PaymentEntry e;
  e.id = r.Int("id");
  e.item_id = r.Int("item_id");
  e.department_id = r.Int("department_id");
  e.uscc = r.Text("uscc");
  e.enterprise_name = r.Text("enterprise_name");
  e.amount_fen = r.Int("amount_fen");
  e.source = r.Text("source");
  e.source_id = r.Int("source_id");
  e.status = r.Text("status");
  e.status_label = std::string(EntryStatusLabel(e.status));
  e.batch_id = r.OptInt("batch_id");
  e.bank_account_id = r.OptInt("bank_account_id");
  e.bank_account_masked = r.Text("masked");
  e.approved_on = DateOf(r, "approved_on");
  e.due_on = DateOf(r, "due_on");
  e.paid_on = DateOf(r, "paid_on");
  e.bank_message = r.Text("bank_message");
  e.bank_reference = r.Text("bank_reference");
  e.attempts = r.Int("attempts");
  return e;
}

Batch BatchFromRow(const Row& r) {
  Batch b;
  b.id = r.Int("id");
  b.batch_no = r.Text("batch_no");
  b.item_id = r.Int("item_id");
  b.funding_source = r.Text("funding_source");
  b.status = r.Text("status");
  b.entries = r.Int("entry_count");
  b.total_fen = r.Int("total_fen");
  b.paid = r.Int("n_paid");
  b.failed = r.Int("n_failed");
  b.returned = r.Int("n_returned");
  b.created_by = r.Text("created_by_name");
  b.created_at = r.Text("created_at");
  b.exported_at = r.Text("exported_at");
  b.settled_at = r.Text("settled_at");
  return b;
}

Budget BudgetFromRow(const Row& r) {
  Budget b;
  b.id = r.Int("id");
  b.item_id = r.Int("item_id");
  b.funding_source = r.Text("funding_source");
  b.total_fen = r.Int("total_fen");
  b.committed_fen = r.Int("committed_fen");
  b.paid_fen = r.Int("paid_fen");
  return b;
}

SubsidyRecord RecordFromRow(const Row& r) {
  SubsidyRecord s;
  s.id = r.Int("id");
  s.uscc = r.Text("uscc");
  s.enterprise_name = r.Text("enterprise_name");
  s.item_id = r.OptInt("item_id");
  s.item_key = r.Text("item_key");
  s.department_id = r.Int("department_id");
  s.department_name = r.Text("department_name");
  s.amount_fen = r.Int("amount_fen");
  if (auto d = DateOf(r, "paid_on")) s.paid_on = *d;
  s.funding_source = r.Text("funding_source");
  s.basis_doc = r.Text("basis_doc");
  s.project = r.Text("project");
  s.period = r.Text("period");
  s.source = r.Text("source");
  s.arrived_at = r.Text("arrived_at");
  s.working_days_to_record = r.Int("working_days");
  s.late = r.Bool("late");
  return s;
}

}  // namespace detail
}  // namespace huiqi::payments
