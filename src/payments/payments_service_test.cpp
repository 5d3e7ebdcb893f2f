// 免申即享 offers, payments and subsidy records on both databases: the whole path of issue 14 (a
// list derived from the rule with traces, approved by a reviewer, offers confirmed and declined,
// the support list, a batch within budget, the bank file and a result file with one failure, the
// failure re-issued and paid, the subsidy records, the reconciliation), bad files refused with the
// line named, idempotent re-imports, access, races and the offer's expiry.
#include "payments/payments_service.h"

#include <atomic>
#include <thread>

#include "enterprise/archive.h"
#include "policy/policy_test_support.h"

namespace huiqi::payments {
namespace {

using core::Date;
using core::ErrorKind;
using nlohmann::json;

constexpr const char* kXingchen = "913204127123456136";
constexpr const char* kLvyuan = "91320411712345728X";

constexpr store::Statement kInsertEnterpriseUser{
    "test.insert_enterprise_user",
    "INSERT INTO users (login, display_name, kind, roles, uscc, phone, password_hash, created_at, "
    "updated_at) "
    "VALUES (?, ?, 'enterprise', ?, ?, ?, 'x', '2026-01-01T00:00:00+08:00', '2026-01-01T00:00:00+08:00') "
    "RETURNING id"};
constexpr store::Statement kOffersSms{"test.offer_sms",
                                      "SELECT COUNT(*) AS n FROM outbox WHERE channel = 'sms'"};
constexpr store::Statement kRecordsOf{"test.records_of",
                                      "SELECT COUNT(*) AS n FROM subsidy_records WHERE source = 'platform'"};
constexpr store::Statement kBudgetRow{"test.budget_row",
                                      "SELECT committed_fen, paid_fen FROM budgets WHERE item_id = ?"};

class PaymentsTest : public policy::testing_support::PolicyFixture {
 protected:
  void SetUp() override {
    PolicyFixture::SetUp();
    SetToday(2026, 12, 1);  // a Tuesday
    profiles_ =
        std::make_unique<enterprise::ProfileService>(*db_, clock_, rules::BuiltinSchemaRef(), nullptr);
    for (auto [uscc, name, employees] : {std::tuple{kXingchen, "常州星辰智能装备有限公司", 120},
                                         std::tuple{kLvyuan, "常州绿源新材料有限公司", 30}}) {
      enterprise::EnterpriseRecord rec{uscc, name, {}};
      rec.facts.numbers["employees"] = employees;
      ASSERT_TRUE(profiles_->Upsert({std::nullopt, "test"}, rec, {"employees"}, "人社").ok());
    }
    enterprise::EnterpriseRecord small{ValidUscc(), "常州小微商贸有限公司", {}};
    small.facts.numbers["employees"] = 3;
    ASSERT_TRUE(profiles_->Upsert({std::nullopt, "test"}, small, {"employees"}, "人社").ok());
    small_uscc_ = small.uscc;

    ent_ = Enterprise("ent_xingchen", kXingchen, {auth::Role::kEnterpriseAdmin},
                      keys_.Seal("13800001111", "phone"));
    other_ = Enterprise("ent_lvyuan", kLvyuan, {auth::Role::kEnterpriseAdmin}, "");
    preparer_ = Enterprise("xingchen_clerk", kXingchen, {auth::Role::kEnterprisePreparer}, "");
    finance_ = AddUser("czj_finance", auth::UserKind::kFinance, std::nullopt, {});
    notifier_ = std::make_unique<notify::Notifier>(clock_, keys_);
    matches_ = std::make_unique<match::MatchService>(rules::BuiltinSchemaRef());
    Reindex();
    svc_pay_ = std::make_unique<PaymentsService>(PaymentsDeps{
        *db_, clock_, calendar_, *svc_, *profiles_, rules::BuiltinSchemaRef(), *notifier_, keys_, *matches_});
    policy::Policy p =
        Publish(Input("常州市稳岗返还通知", Date::FromYmd(2026, 11, 27)), kjj_officer_, kjj_reviewer_);
    policy::ItemInput guide = Guide("失业保险稳岗返还");
    guide.no_application = true;
    guide.rule_text = "employees >= 10";
    guide.amount_json = R"({"kind": "fixed", "value": "1万元"})";
    auto item = svc_->CreateItem(kjj_officer_, p.id, guide);
    ASSERT_TRUE(item.ok()) << item.error().ToString();
    ASSERT_TRUE(svc_->PublishItem(kjj_officer_, item->id).ok());
    item_ = item->id;
  }

  static std::string ValidUscc() { return "913204027123458321"; }

  void Reindex() {
    enterprise::Archive archive(*db_, clock_);
    auto all = archive.LoadAllFacts();
    ASSERT_TRUE(all.ok());
    matches_->Load(*all);
  }

  auth::Principal Enterprise(const std::string& login, const std::string& uscc, std::vector<auth::Role> roles,
                             const std::string& sealed_phone) {
    std::string role_text;
    for (auto r : roles) role_text += (role_text.empty() ? "" : ",") + std::string(auth::RoleCode(r));
    auth::Principal p;
    p.user_id =
        db_->WriteValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
             HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertEnterpriseUser,
                                                    {login, login, role_text, uscc, sealed_phone}, "", ""));
             return r.Int("id");
           })
            .value();
    p.login = login;
    p.kind = auth::UserKind::kEnterprise;
    p.uscc = uscc;
    p.roles = std::move(roles);
    return p;
  }

  int64_t Count(const store::Statement& st) {
    return db_
        ->ReadValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(st, {}, "", ""));
          return r.Int("n");
        })
        .value();
  }
  std::pair<int64_t, int64_t> BudgetUse() {
    return db_
        ->ReadValue<std::pair<int64_t, int64_t>>(
            [&](store::Session& s) -> core::Result<std::pair<int64_t, int64_t>> {
              HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kBudgetRow, {item_}, "", ""));
              return std::pair{r.Int("committed_fen"), r.Int("paid_fen")};
            })
        .value();
  }

  //! Derives and approves the list; returns the offers of 星辰 and 绿源.
  std::pair<Offer, Offer> SendOffers() {
    auto list = svc_pay_->DeriveList(kjj_officer_, item_, std::nullopt);
    EXPECT_TRUE(list.ok()) << list.error().ToString();
    auto sent = svc_pay_->ApproveList(kjj_reviewer_, list->id);
    EXPECT_TRUE(sent.ok()) << sent.error().ToString();
    int64_t total = 0;
    auto a = svc_pay_->MyOffers(ent_, {}, &total);
    auto b = svc_pay_->MyOffers(other_, {}, &total);
    EXPECT_TRUE(a.ok() && b.ok() && a->size() == 1 && b->size() == 1);
    return {a->front(), b->front()};
  }

  static NewAccount Account(const std::string& name, const std::string& number = "6222 0200 0000 1234") {
    return {name, "中国工商银行常州分行", number};
  }

  secrets::KeyRing keys_ = secrets::KeyRing::Ephemeral();
  std::unique_ptr<enterprise::ProfileService> profiles_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<match::MatchService> matches_;
  std::unique_ptr<PaymentsService> svc_pay_;
  auth::Principal ent_, other_, preparer_, finance_;
  std::string small_uscc_;
  int64_t item_ = 0;
};

TEST_P(PaymentsTest, FromTheRuleToMoneyInTheAccount) {
  // Count and breakdown first (the bitmap engine), then the list with its traces.
  auto preview = svc_pay_->PreviewList(kjj_officer_, item_);
  ASSERT_TRUE(preview.ok()) << preview.error().ToString();
  EXPECT_EQ(preview->eligible, 2);
  EXPECT_EQ(preview->total, 3);
  auto list = svc_pay_->DeriveList(kjj_officer_, item_, std::nullopt);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  EXPECT_EQ(list->status, "draft");
  EXPECT_EQ(list->entries, 2);
  EXPECT_EQ(list->total_fen, 2 * 1000000);
  EXPECT_GE(list->rule_version, 1);
  int64_t total = 0;
  auto entries = svc_pay_->ListEntries(kjj_officer_, list->id, {}, &total);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ(entries->front().trace[0]["result"], "pass");
  EXPECT_NE(entries->front().trace[0]["condition"].get<std::string>().find("从业人数"), std::string::npos);

  // Four eyes: the officer cannot approve; another department's reviewer cannot see it.
  EXPECT_EQ(svc_pay_->ApproveList(kjj_officer_, list->id).error().kind, ErrorKind::kPermissionDenied);
  EXPECT_EQ(svc_pay_->ApproveList(gxj_reviewer_, list->id).error().kind, ErrorKind::kNotFound);
  auto sent = svc_pay_->ApproveList(kjj_reviewer_, list->id);
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(sent->status, "sent");
  EXPECT_EQ(svc_pay_->ApproveList(kjj_reviewer_, list->id).error().kind, ErrorKind::kFailedPrecondition);
  EXPECT_EQ(Count(kOffersSms), 1) << "星辰 has a phone on file: its offer went by SMS too";

  auto mine = svc_pay_->MyOffers(ent_, {}, &total);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  Offer offer = mine->front();
  EXPECT_EQ(offer.status, "pending");
  EXPECT_EQ(offer.amount_fen, 1000000);
  EXPECT_EQ(offer.due_on, calendar_.AddWorkingDays(Date::FromYmd(2026, 12, 1), 10));
  EXPECT_FALSE(offer.facts.empty());
  // Nobody else sees it.
  EXPECT_EQ(svc_pay_->GetOffer(other_, offer.id).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(svc_pay_->GetOffer(gxj_officer_, offer.id).error().kind, ErrorKind::kNotFound);
  // Only the enterprise admin answers; the account name must be the enterprise's.
  EXPECT_EQ(
      svc_pay_->Confirm(preparer_, offer.id, std::nullopt, Account("常州星辰智能装备有限公司")).error().kind,
      ErrorKind::kPermissionDenied);
  auto wrong = svc_pay_->Confirm(ent_, offer.id, std::nullopt, Account("张三"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field, "account_name");
  auto bad_number =
      svc_pay_->Confirm(ent_, offer.id, std::nullopt, Account("常州星辰智能装备有限公司", "12ab"));
  ASSERT_FALSE(bad_number.ok());
  EXPECT_EQ(bad_number.error().field, "account_number");
  auto confirmed = svc_pay_->Confirm(ent_, offer.id, std::nullopt, Account("常州星辰智能装备有限公司"));
  ASSERT_TRUE(confirmed.ok()) << confirmed.error().ToString();
  EXPECT_EQ(confirmed->status, "confirmed");
  EXPECT_EQ(confirmed->bank_account_masked, "6222 **** 1234");
  auto again = svc_pay_->Confirm(ent_, offer.id, confirmed->bank_account_id, std::nullopt);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::kFailedPrecondition);
  // The number is stored sealed, never in clear.
  auto accounts = svc_pay_->Accounts(ent_);
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), 1u);
  EXPECT_EQ(accounts->front().masked, "6222 **** 1234");

  auto theirs = svc_pay_->MyOffers(other_, {}, &total);
  ASSERT_TRUE(theirs.ok());
  auto declined = svc_pay_->Decline(other_, theirs->front().id, "");
  EXPECT_EQ(declined.error().field, "reason");
  declined = svc_pay_->Decline(other_, theirs->front().id, "本年度已通过其他渠道享受");
  ASSERT_TRUE(declined.ok());
  EXPECT_EQ(declined->status, "declined");

  // The support list: the department confirms, finance batches within the budget.
  auto support = svc_pay_->Entries(kjj_reviewer_, item_, "pending", {}, &total);
  ASSERT_TRUE(support.ok());
  ASSERT_EQ(support->size(), 1u);
  int64_t entry = support->front().id;
  EXPECT_EQ(svc_pay_->ConfirmEntries(kjj_officer_, {entry}).error().kind, ErrorKind::kPermissionDenied);
  ASSERT_TRUE(svc_pay_->ConfirmEntries(kjj_reviewer_, {entry}).ok());
  EXPECT_EQ(svc_pay_->ConfirmEntries(kjj_reviewer_, {entry}).error().kind, ErrorKind::kFailedPrecondition);

  EXPECT_EQ(svc_pay_->SetBudget(kjj_reviewer_, item_, "市级财政", 500000).error().kind,
            ErrorKind::kPermissionDenied);
  ASSERT_TRUE(svc_pay_->SetBudget(finance_, item_, "市级财政", 500000).ok());
  auto over = svc_pay_->CreateBatch(finance_, item_, "市级财政", {});
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, "budget_exceeded");
  ASSERT_TRUE(svc_pay_->SetBudget(finance_, item_, "市级财政", 5000000).ok());
  auto batch = svc_pay_->CreateBatch(finance_, item_, "市级财政", {});
  ASSERT_TRUE(batch.ok()) << batch.error().ToString();
  EXPECT_EQ(batch->entries, 1);
  EXPECT_EQ(batch->total_fen, 1000000);
  EXPECT_EQ(BudgetUse(), (std::pair<int64_t, int64_t>{1000000, 0}));
  EXPECT_EQ(svc_pay_->CreateBatch(finance_, item_, "市级财政", {entry}).error().kind,
            ErrorKind::kFailedPrecondition)
      << "an entry in a batch cannot be batched again";

  auto file = svc_pay_->ExportBatch(finance_, batch->id);
  ASSERT_TRUE(file.ok()) << file.error().ToString();
  EXPECT_NE(file->find("6222020000001234"), std::string::npos);
  EXPECT_NE(file->find("合计,1,,,,10000.00"), std::string::npos);

  // Bad result files are refused whole, the line named.
  std::string id = std::to_string(entry);
  auto unknown =
      svc_pay_->ImportBankResult(finance_, batch->id,
                                 "明细号,金额(元),结果,原因,银行流水号,日期\n999999,10000.00,成功,,B1,"
                                 "2026-12-02\n合计,10000.00\n");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->committed);
  EXPECT_EQ(unknown->problems[0]["line"], 2);
  auto wrong_total = svc_pay_->ImportBankResult(finance_, batch->id,
                                                "明细号,金额(元),结果,原因,银行流水号,日期\n" + id +
                                                    ",10000.00,失败,账户已销户,,2026-12-02\n合计,9000.00\n");
  ASSERT_TRUE(wrong_total.ok());
  EXPECT_FALSE(wrong_total->committed);
  EXPECT_EQ(wrong_total->problems[0]["field"], "total");
  auto twice = svc_pay_->ImportBankResult(finance_, batch->id,
                                          "明细号,金额(元),结果,原因,银行流水号,日期\n" + id +
                                              ",10000.00,失败,账户已销户,,2026-12-02\n" + id +
                                              ",10000.00,失败,账户已销户,,2026-12-02\n合计,20000.00\n");
  ASSERT_TRUE(twice.ok());
  EXPECT_FALSE(twice->committed);
  EXPECT_EQ(twice->problems[0]["line"], 3);
  EXPECT_EQ(BudgetUse(), (std::pair<int64_t, int64_t>{1000000, 0})) << "nothing changed";

  std::string failed = "明细号,金额(元),结果,原因,银行流水号,日期\n" + id +
                       ",10000.00,失败,账户已销户,,2026-12-02\n合计,10000.00\n";
  auto result = svc_pay_->ImportBankResult(finance_, batch->id, failed);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(result->committed);
  EXPECT_EQ(result->accepted, 1);
  auto same = svc_pay_->ImportBankResult(finance_, batch->id, failed);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->accepted, 0);
  EXPECT_EQ(same->unchanged, 1);
  EXPECT_EQ(BudgetUse(), (std::pair<int64_t, int64_t>{0, 0})) << "the failed line released the budget";

  // Re-issued to a new account and paid in a second batch.
  auto account2 = svc_pay_->AddAccount(ent_, Account("常州星辰智能装备有限公司", "6217000000005678"));
  ASSERT_TRUE(account2.ok());
  auto reissued = svc_pay_->Reissue(finance_, entry, account2->id);
  ASSERT_TRUE(reissued.ok()) << reissued.error().ToString();
  EXPECT_EQ(reissued->status, "confirmed");
  auto batch2 = svc_pay_->CreateBatch(finance_, item_, "市级财政", {});
  ASSERT_TRUE(batch2.ok()) << batch2.error().ToString();
  auto file2 = svc_pay_->ExportBatch(finance_, batch2->id);
  ASSERT_TRUE(file2.ok());
  EXPECT_NE(file2->find("6217000000005678"), std::string::npos) << "the second batch pays the new account";
  auto file1 = svc_pay_->ExportBatch(finance_, batch->id);
  ASSERT_TRUE(file1.ok());
  EXPECT_EQ(file1->find("6217000000005678"), std::string::npos)
      << "the first batch's file still shows the account it was sent to";
  EXPECT_NE(file1->find("622202000000"), std::string::npos);
  SetToday(2026, 12, 3);
  auto paid = svc_pay_->ImportBankResult(finance_, batch2->id,
                                         "明细号,金额(元),结果,原因,银行流水号,日期\n" + id +
                                             ",10000.00,成功,,B20261203001,2026-12-03\n合计,10000.00\n");
  ASSERT_TRUE(paid.ok()) << paid.error().ToString();
  ASSERT_TRUE(paid->committed) << paid->problems.dump();
  auto batch2_after = svc_pay_->GetBatch(finance_, batch2->id);
  EXPECT_EQ(batch2_after->status, "settled");
  EXPECT_EQ(BudgetUse(), (std::pair<int64_t, int64_t>{0, 1000000}));

  // The enterprise sees 已到账 with the date; the subsidy record exists with its timeliness.
  auto my = svc_pay_->Mine(ent_);
  ASSERT_TRUE(my.ok());
  ASSERT_EQ(my->entries.size(), 1u);
  EXPECT_EQ(my->entries[0].status_label, "已到账");
  EXPECT_EQ(my->entries[0].paid_on, Date::FromYmd(2026, 12, 3));
  EXPECT_EQ(my->entries[0].attempts, 2);
  auto other_view = svc_pay_->Mine(other_);
  ASSERT_TRUE(other_view.ok());
  EXPECT_TRUE(other_view->entries.empty()) << "绿源 declined: no payment, and never 星辰's";
  EXPECT_EQ(Count(kRecordsOf), 1);
  auto records = svc_pay_->Records(finance_, kXingchen, false, {}, &total);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(records->front().working_days_to_record, 0);
  EXPECT_FALSE(records->front().late);

  auto rec = svc_pay_->Reconcile();
  ASSERT_TRUE(rec.ok());
  EXPECT_TRUE(rec->ok) << ::testing::PrintToString(rec->problems);
  EXPECT_EQ(rec->batches, 2);
  EXPECT_GE(AuditRows("payment_entry"), 5);
}

TEST_P(PaymentsTest, TwoConfirmationsOfOneOfferOneWins) {
  auto [offer, theirs] = SendOffers();
  (void)theirs;
  auto account = svc_pay_->AddAccount(ent_, Account("常州星辰智能装备有限公司"));
  ASSERT_TRUE(account.ok()) << account.error().ToString();
  std::atomic<int> ok{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto r = i % 2 == 0 ? svc_pay_->Confirm(ent_, offer.id, account->id, std::nullopt)
                          : svc_pay_->Decline(ent_, offer.id, "不需要");
      if (r.ok()) {
        ok++;
      } else if (r.error().kind == core::ErrorKind::kConflict) {
        conflicts++;
      } else {
        other++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflicts.load() + other.load(), 3);
  int64_t total = 0;
  auto entries = svc_pay_->Entries(finance_, item_, "", {}, &total);
  ASSERT_TRUE(entries.ok());
  auto now = svc_pay_->GetOffer(ent_, offer.id);
  ASSERT_TRUE(now.ok());
  EXPECT_FALSE(now->item_name.empty() || now->item_name.rfind("事项 ", 0) == 0)
      << "the item's name is read in the offer's own transaction: " << now->item_name;
  EXPECT_EQ(entries->size(), now->status == "confirmed" ? 1u : 0u)
      << "one payment entry for a confirmed offer, never two";
}

TEST_P(PaymentsTest, AnUploadedListIsAllOrNothingAndIdempotent) {
  std::string bad = std::string("统一社会信用代码,金额(元),依据\n") + kXingchen + ",5000,认定文件\n" +
                    "913204000000000000,5000,\n" + kLvyuan + ",-1,\n" + kXingchen + ",5000,\n";
  auto report = svc_pay_->UploadList(kjj_officer_, item_, bad, false);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_FALSE(report->committed);
  ASSERT_EQ(report->problems.size(), 3u);
  EXPECT_EQ(report->problems[0]["line"], 3);
  EXPECT_EQ(report->problems[1]["field"], "amount");
  EXPECT_EQ(report->problems[2]["line"], 5);  // the USCC twice
  int64_t total = 0;
  EXPECT_TRUE(svc_pay_->Lists(kjj_officer_, item_, {}, &total)->empty()) << "nothing imported";
  auto skipped = svc_pay_->UploadList(kjj_officer_, item_, bad, true);
  ASSERT_TRUE(skipped.ok());
  EXPECT_TRUE(skipped->committed);
  EXPECT_EQ(skipped->accepted, 1);
  auto again = svc_pay_->UploadList(kjj_officer_, item_, bad, true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, skipped->id) << "the same file again is the same list";
  EXPECT_EQ(svc_pay_->Lists(kjj_officer_, item_, {}, &total)->size(), 1u);
  auto l = svc_pay_->GetList(kjj_officer_, *skipped->id);
  EXPECT_EQ(l->total_fen, 500000);
  EXPECT_EQ(svc_pay_->UploadList(gxj_officer_, item_, bad, true).error().kind, ErrorKind::kPermissionDenied);
}

TEST_P(PaymentsTest, SubsidyRecordsAreTimedAndDuplicatesListed) {
  // 稳岗返还 paid on 2026-11-20 reported on 2026-12-01: 7 working days, late (more than 5).
  std::string csv =
      std::string("统一社会信用代码,事项编码,金额(元),拨付日期,资金来源,文件依据,项目,所属期\n") + kXingchen +
      ",,20000,2026-11-20,市级财政,常人社发〔2026〕3号,稳岗-星辰,2026\n" + kXingchen +
      ",,18000,2026-11-30,市级财政,常人社发〔2026〕3号,稳岗-星辰,2026\n";
  auto report = svc_pay_->ImportRecords(kjj_officer_, csv, false);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_TRUE(report->committed);
  EXPECT_EQ(report->accepted, 2);
  auto again = svc_pay_->ImportRecords(kjj_officer_, csv, false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->accepted, 0);
  EXPECT_EQ(again->unchanged, 2);
  int64_t total = 0;
  auto late = svc_pay_->Records(kjj_officer_, "", true, {}, &total);
  ASSERT_TRUE(late.ok());
  ASSERT_EQ(late->size(), 1u);
  EXPECT_EQ(late->front().working_days_to_record,
            calendar_.WorkingDaysBetween(Date::FromYmd(2026, 11, 20), Date::FromYmd(2026, 12, 1)));
  EXPECT_TRUE(late->front().late);
  // The same project paid by a second department: listed for both, never merged.
  EXPECT_TRUE(svc_pay_->Duplicates(finance_)->empty());
  auto theirs = svc_pay_->ImportRecords(
      gxj_officer_,
      std::string("统一社会信用代码,事项编码,金额(元),拨付日期,资金来源,文件依据,项目,所属期\n") + kXingchen +
          ",,5000,2026-11-30,省级财政,苏工信〔2026〕9号,稳岗-星辰,2026\n",
      false);
  ASSERT_TRUE(theirs.ok());
  auto dups = svc_pay_->Duplicates(finance_);
  ASSERT_TRUE(dups.ok());
  ASSERT_EQ(dups->size(), 1u);
  EXPECT_EQ(dups->front().kind, "same_project");
  EXPECT_EQ(dups->front().record_ids.size(), 3u);
  EXPECT_EQ(Count({"test.records", "SELECT COUNT(*) AS n FROM subsidy_records"}), 3);
  // A bad row: nothing of the file is written, the line named.
  auto bad = svc_pay_->ImportRecords(
      kjj_officer_,
      std::string("统一社会信用代码,事项编码,金额(元),拨付日期,资金来源,文件依据,项目,所属期\n") + kLvyuan +
          ",,100,2026-11-30,,,,\n" + kLvyuan + ",no-such-item,100,2026-11-30,,,,\n" + kLvyuan +
          ",,100,2027-01-30,,,,\n",
      false);
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->committed);
  ASSERT_EQ(bad->problems.size(), 2u);
  EXPECT_EQ(bad->problems[0]["field"], "item_key");
  EXPECT_EQ(bad->problems[1]["field"], "paid_on");
  EXPECT_EQ(Count({"test.records", "SELECT COUNT(*) AS n FROM subsidy_records"}), 3);
  EXPECT_EQ(svc_pay_->ImportRecords(ent_, csv, false).error().kind, ErrorKind::kPermissionDenied);
}

TEST_P(PaymentsTest, AnUnansweredOfferExpiresAtItsDeadlineAndAnObjectionRenewsIt) {
  auto [offer, theirs] = SendOffers();
  auto objected = svc_pay_->Object(other_, theirs.id, "上年度参保人数应为 35 人，金额有误");
  ASSERT_TRUE(objected.ok()) << objected.error().ToString();
  EXPECT_EQ(objected->status, "objected");
  SetToday(2026, 12, 4);  // answered three days later: its deadline is renewed from then
  auto answered = svc_pay_->AnswerObjection(kjj_officer_, theirs.id, "已核实，金额调整为 1.2 万元", 1200000);
  ASSERT_TRUE(answered.ok()) << answered.error().ToString();
  EXPECT_EQ(answered->status, "pending");
  EXPECT_EQ(answered->amount_fen, 1200000);
  // The first deadline passes: 星辰's offer expires, 绿源's (renewed on 12-04) does not yet.
  clock_.Set(core::ShanghaiMidnight(offer.due_on->AddDays(1)) + std::chrono::hours(1));
  ASSERT_TRUE(db_->Write([&](store::Session& s) { return svc_pay_->OnOfferExpiry(s, offer.id); }).ok());
  ASSERT_TRUE(db_->Write([&](store::Session& s) { return svc_pay_->OnOfferExpiry(s, theirs.id); }).ok());
  EXPECT_EQ(svc_pay_->GetOffer(ent_, offer.id)->status, "expired");
  EXPECT_EQ(svc_pay_->GetOffer(other_, theirs.id)->status, "pending");
  EXPECT_FALSE(svc_pay_->Confirm(ent_, offer.id, std::nullopt, Account("常州星辰智能装备有限公司")).ok());
}

TEST_P(PaymentsTest, AnEnterpriseLeftOffAListAsksWithItsOwnTrace) {
  auto small = Enterprise("ent_small", small_uscc_, {auth::Role::kEnterpriseAdmin}, "");
  auto claim = svc_pay_->FileClaim(small, item_, "我们有 12 名参保职工");
  ASSERT_TRUE(claim.ok()) << claim.error().ToString();
  EXPECT_EQ(claim->verdict, "fail");
  EXPECT_EQ(claim->trace[0]["result"], "fail");
  int64_t total = 0;
  auto theirs = svc_pay_->Claims(kjj_officer_, {}, &total);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->size(), 1u);
  EXPECT_TRUE(svc_pay_->Claims(gxj_officer_, {}, &total)->empty());
  EXPECT_TRUE(svc_pay_->Claims(ent_, {}, &total)->empty());
  auto answered = svc_pay_->AnswerClaim(kjj_officer_, claim->id, "档案中参保人数为 3 人，请先更正档案");
  ASSERT_TRUE(answered.ok());
  EXPECT_EQ(svc_pay_->AnswerClaim(kjj_officer_, claim->id, "再答").error().kind, ErrorKind::kConflict);
}

INSTANTIATE_TEST_SUITE_P(Backends, PaymentsTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::payments
