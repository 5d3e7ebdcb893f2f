// The application workflow on both databases: the whole path of issue 13 (a form filled from the
// archive with one value changed, one deficiency notice listing two materials, acceptance, a
// two-department joint review signed with both seals, 公示, approval, the public results), the
// 一次性告知 rule, the working-day clock paused during 补正, deadlines, access and races.
#include "workflow/workflow_service.h"

#include <atomic>
#include <fstream>
#include <thread>

#include "audit/audit_log.h"
#include "policy/policy_test_support.h"
#include "secrets/keys.h"

namespace huiqi::workflow {
namespace {

using core::Date;
using core::ErrorKind;
using nlohmann::json;

constexpr const char* kXingchen = "913204127123456136";
constexpr const char* kLvyuan = "91320411712345728X";
const std::string kPdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

constexpr store::Statement kInsertEnterpriseUser{
    "test.insert_enterprise_user",
    "INSERT INTO users (login, display_name, kind, roles, uscc, phone, password_hash, created_at, "
    "updated_at) "
    "VALUES (?, ?, 'enterprise', 'enterprise_admin', ?, ?, 'x', '2026-01-01T00:00:00+08:00', "
    "'2026-01-01T00:00:00+08:00') RETURNING id"};
constexpr store::Statement kSms{"test.sms", "SELECT COUNT(*) AS n FROM outbox WHERE channel = 'sms'"};

class WorkflowTest : public policy::testing_support::PolicyFixture {
 protected:
  void SetUp() override {
    PolicyFixture::SetUp();
    SetToday(2026, 12, 1);  // a Tuesday
    profiles_ =
        std::make_unique<enterprise::ProfileService>(*db_, clock_, rules::BuiltinSchemaRef(), nullptr);
    for (auto [uscc, name, employees] : {std::tuple{kXingchen, "常州星辰智能装备有限公司", 120},
                                         std::tuple{kLvyuan, "常州绿源新材料有限公司", 8}}) {
      enterprise::EnterpriseRecord rec{uscc, name, {}};
      rec.facts.numbers["employees"] = employees;
      rec.facts.numbers["revenue"] = int64_t{3000} * 10000 * 100;
      ASSERT_TRUE(profiles_->Upsert({std::nullopt, "test"}, rec, {"employees", "revenue"}, "测试").ok());
    }
    ent_ = Enterprise("ent_xingchen", kXingchen, keys_.Seal("13800001111", "phone"));
    other_ent_ = Enterprise("ent_lvyuan", kLvyuan, "");
    counter_ = AddUser("kjj_counter", auth::UserKind::kDepartmentStaff, kjj_, {auth::Role::kCounterStaff});
    files::FileStoreOptions fo;
    fo.root = std::string(testing::TempDir()) + "/files";
    files_ = std::make_unique<files::FileStore>(*db_, clock_, fo);
    seal::SealOptions so;
    so.key_passphrase = "test-passphrase";
    so.kdf_iterations = 10000;
    seals_ = std::make_unique<seal::SealService>(*db_, clock_, so);
    ASSERT_TRUE(seals_->EnsureCa({std::nullopt, "test"}).ok());
    for (auto [id, code, name] : {std::tuple{kjj_, "CZ-KJJ", "常州市科学技术局"},
                                  std::tuple{gxj_, "CZ-GXJ", "常州市工业和信息化局"}}) {
      auto issued = seals_->IssueDepartmentSeal({std::nullopt, "test"}, {id, code, name, ""});
      ASSERT_TRUE(issued.ok()) << issued.error().ToString();
    }
    notifier_ = std::make_unique<notify::Notifier>(clock_, keys_);
    wf_ = std::make_unique<WorkflowService>(WorkflowDeps{*db_, clock_, calendar_, *svc_, *profiles_,
                                                         rules::BuiltinSchemaRef(), *notifier_, *files_,
                                                         seals_.get()});
    // A published policy of 科技局 with an item: two materials to upload, one shared by data.
    policy::Policy p =
        Publish(Input("常州市智能制造奖励办法", Date::FromYmd(2026, 11, 27)), kjj_officer_, kjj_reviewer_);
    policy::ItemInput guide = Guide("智能制造示范企业奖励");
    guide.rule_text = "employees >= 50 and revenue >= 1000万";
    guide.materials = {{"项目申请书", "电子件", true, "表格类", "申请人自备", false, "", ""},
                       {"审计报告", "电子件", true, "证明类", "申请人自备", false, "", ""},
                       {"营业执照", "电子件", true, "证照类", "部门共享", true, "", ""}};
    auto item = svc_->CreateItem(kjj_officer_, p.id, guide);
    ASSERT_TRUE(item.ok()) << item.error().ToString();
    ASSERT_TRUE(svc_->PublishItem(kjj_officer_, item->id).ok());
    item_ = item->id;
    auto flow = wf_->SetFlow(kjj_officer_, item_,
                             {{"accept", "受理", {"CZ-KJJ"}, 3},
                              {"joint_review", "联合会审", {"CZ-KJJ", "CZ-GXJ"}, 5},
                              {"publicity", "结果公示", {"CZ-KJJ"}, 5}},
                             false);
    ASSERT_TRUE(flow.ok()) << flow.error().ToString();
  }

  auth::Principal Enterprise(const std::string& login, const std::string& uscc,
                             const std::string& sealed_phone) {
    auth::Principal p;
    p.user_id = db_->WriteValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
                     HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertEnterpriseUser,
                                                            {login, login, uscc, sealed_phone}, "", ""));
                     return r.Int("id");
                   })
                    .value();
    p.login = login;
    p.kind = auth::UserKind::kEnterprise;
    p.uscc = uscc;
    p.roles = {auth::Role::kEnterpriseAdmin};
    return p;
  }
  int64_t UploadPdf(const auth::Principal& who, const std::string& name, const std::string& extra = "") {
    auto temp = files_->TempPath();
    std::ofstream(temp, std::ios::binary) << kPdf << extra << name;
    return files_->Accept(temp, who, name, "material").value().id;
  }
  const StageRecord* Active(const Application& a, int64_t dept) {
    for (const auto& st : a.stages) {
      if (st.status == "active" && st.department_id == dept) return &st;
    }
    return nullptr;
  }
  int64_t Count(const store::Statement& st) {
    return db_
        ->ReadValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(st, {}, "", ""));
          return r.Int("n");
        })
        .value();
  }

  secrets::KeyRing keys_ = secrets::KeyRing::Ephemeral();
  std::unique_ptr<enterprise::ProfileService> profiles_;
  std::unique_ptr<files::FileStore> files_;
  std::unique_ptr<seal::SealService> seals_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<WorkflowService> wf_;
  auth::Principal ent_, other_ent_, counter_;
  int64_t item_ = 0;
};

TEST_P(WorkflowTest, TheWholePathFromTheArchiveToThePublicResults) {
  // 一表申请: the bound fields come from the archive.
  auto draft = wf_->StartDraft(ent_, item_);
  ASSERT_TRUE(draft.ok()) << draft.error().ToString();
  EXPECT_EQ(draft->status, AppStatus::kDraft);
  EXPECT_EQ(draft->form_values["employees"], "120");
  EXPECT_EQ(draft->archive_values["employees"], "120");
  ASSERT_EQ(draft->materials.size(), 1u) << "the shared licence is obtained by data";
  EXPECT_EQ(draft->materials[0].provided, "data_sharing");
  auto again = wf_->StartDraft(ent_, item_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "already_open");
  auto open = nlohmann::json::parse(again.error().details);  // the page takes the applicant there
  EXPECT_EQ(open[0]["application_id"], draft->id);
  EXPECT_EQ(open[0]["case_no"], draft->case_no);
  int64_t mine_total = 0;
  auto mine = wf_->Mine(ent_, 1, 10, &mine_total);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine_total, 1);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].id, draft->id);
  EXPECT_TRUE(wf_->Mine(ent_, 2, 10, &mine_total)->empty()) << "past the last page";

  // Submitting with nothing attached lists every problem at once.
  Submission s;
  s.values = {{"employees", "130"}};  // one value changed against the archive
  auto incomplete = wf_->Submit(ent_, draft->id, s);
  ASSERT_FALSE(incomplete.ok());
  EXPECT_EQ(incomplete.error().code, "incomplete");
  auto problems = json::parse(incomplete.error().details);
  EXPECT_EQ(problems.size(), 3u) << incomplete.error().message;  // contact, 申请书, 审计报告
  EXPECT_NE(incomplete.error().message.find("审计报告"), std::string::npos);

  s.values["contact"] = "王经理 13800001111";
  s.files = {{0, UploadPdf(ent_, "申请书.pdf")}, {1, UploadPdf(ent_, "审计报告.pdf")}};
  auto submitted = wf_->Submit(ent_, draft->id, s);
  ASSERT_TRUE(submitted.ok()) << submitted.error().ToString();
  EXPECT_EQ(submitted->status, AppStatus::kSubmitted);
  ASSERT_EQ(submitted->mismatches.size(), 1u);
  EXPECT_EQ(submitted->mismatches[0].archive_value, "120");
  EXPECT_EQ(submitted->mismatches[0].form_value, "130");
  EXPECT_EQ(submitted->verdict, "pass") << "the decision trace on the archive's facts";
  EXPECT_EQ(submitted->trace.size(), 2u);
  const StageRecord* accept = Active(*submitted, kjj_);
  ASSERT_NE(accept, nullptr);
  EXPECT_EQ(accept->due_on, Date::FromYmd(2026, 12, 4)) << "3 working days after Tuesday 1 December";

  // 受理: one notice lists both materials.
  auto returned = wf_->ReturnForCorrection(
      kjj_reviewer_, submitted->id,
      {{"material", "0", "", "申请书未盖公章"}, {"material", "1", "", "审计报告缺少附注页"}}, "请一次补齐");
  ASSERT_TRUE(returned.ok()) << returned.error().ToString();
  EXPECT_EQ(returned->status, AppStatus::kReturned);
  ASSERT_EQ(returned->notices.size(), 1u);
  EXPECT_EQ(returned->notices[0].items.size(), 2u);
  EXPECT_EQ(returned->notices[0].items[1].name, "审计报告");
  Submission fix;
  fix.files = {{0, UploadPdf(ent_, "申请书-盖章.pdf", "v2")}, {1, UploadPdf(ent_, "审计报告-全.pdf", "v2")}};
  auto resubmitted = wf_->Resubmit(ent_, returned->id, fix);
  ASSERT_TRUE(resubmitted.ok()) << resubmitted.error().ToString();
  EXPECT_EQ(resubmitted->round, 1);

  // Accepted, then the joint review: it moves on only when both departments have signed.
  auto accepted = wf_->Accept(kjj_reviewer_, resubmitted->id, "材料齐全，予以受理");
  ASSERT_TRUE(accepted.ok()) << accepted.error().ToString();
  EXPECT_EQ(accepted->status, AppStatus::kInReview);
  EXPECT_NE(Active(*accepted, kjj_), nullptr);
  EXPECT_NE(Active(*accepted, gxj_), nullptr);
  auto one = wf_->Decide(kjj_reviewer_, accepted->id, true, "符合智能制造示范条件");
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  EXPECT_EQ(one->status, AppStatus::kInReview) << "工信局 has not signed yet";
  auto both = wf_->Decide(gxj_reviewer_, accepted->id, true, "同意", "", int64_t{50} * 10000 * 100);
  ASSERT_TRUE(both.ok()) << both.error().ToString();
  EXPECT_EQ(both->status, AppStatus::kPublicity);
  ASSERT_TRUE(both->publicity_ends_on.has_value());

  // 公示中 is listed for anyone (结果公开 only after it ends).
  int64_t in_notice = 0;
  auto notices_now = wf_->InPublicity(1, 20, &in_notice);
  ASSERT_TRUE(notices_now.ok());
  ASSERT_EQ(in_notice, 1);
  EXPECT_EQ((*notices_now)[0].application_id, both->id);
  EXPECT_EQ((*notices_now)[0].ends_on, both->publicity_ends_on);
  int64_t results_now = 0;
  ASSERT_TRUE(wf_->PublicResults(1, 20, &results_now).ok());
  EXPECT_EQ(results_now, 0) << "nothing is published during 公示";

  // 公示: an objection waits for its answer, then the job approves.
  auto objection = wf_->FileObjection(other_ent_, both->id, "该企业去年曾获同类奖励");
  ASSERT_TRUE(objection.ok());
  clock_.Set(core::ShanghaiMidnight(both->publicity_ends_on->AddDays(1)) + std::chrono::hours(1));
  auto waits = db_->WriteValue<std::optional<int64_t>>(
      [&](store::Session& tx) { return wf_->OnPublicityEnd(tx, both->id); });
  ASSERT_TRUE(waits.ok());
  EXPECT_TRUE(waits->has_value()) << "an unanswered objection keeps the notice open";
  EXPECT_EQ(wf_->AnswerObjection(gxj_reviewer_, objection->id, "x").error().kind,
            ErrorKind::kPermissionDenied);
  ASSERT_TRUE(wf_->AnswerObjection(kjj_reviewer_, objection->id, "经核实，去年所获为其他事项").ok());
  ASSERT_TRUE(db_->WriteValue<std::optional<int64_t>>(
                     [&](store::Session& tx) { return wf_->OnPublicityEnd(tx, both->id); })
                  .ok());
  auto done = wf_->Get(ent_, both->id).value();
  EXPECT_EQ(done.status, AppStatus::kApproved);
  EXPECT_EQ(done.amount_approved_fen, int64_t{50} * 10000 * 100);

  // Every opinion is sealed and verifies; one changed byte does not.
  ASSERT_EQ(done.opinions.size(), 3u);
  for (const auto& o : done.opinions) {
    EXPECT_TRUE(o.signed_);
    auto rep = wf_->VerifyOpinion(o.id);
    ASSERT_TRUE(rep.ok()) << rep.error().ToString();
    EXPECT_TRUE(rep->ok) << o.department_name;
  }
  ASSERT_TRUE(db_->Write([&](store::Session& tx) -> core::Status {
                   HQ_RETURN_IF_ERROR(
                       tx.Exec({"test.tamper", "UPDATE opinions SET text = '不同意' WHERE id = ?"},
                               {done.opinions[1].id}));
                   return core::Ok();
                 })
                  .ok());
  EXPECT_FALSE(wf_->VerifyOpinion(done.opinions[1].id)->ok);

  // 结果公开, and the applicant was told at every step (inbox and SMS).
  auto results = wf_->PublicResults(1, 20).value();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].enterprise_name, "常州星辰智能装备有限公司");
  notify::Inbox inbox(*db_, clock_);
  auto notices = inbox.List(ent_.user_id, std::nullopt, 1, 50).value();
  EXPECT_GE(notices.total, 6) << "submitted, returned, resubmitted, accepted, publicity, approved";
  EXPECT_EQ(Count(kSms), notices.total) << "each notice also by SMS to the phone on file";
  EXPECT_GE(done.events.size(), 9u);
  auto chain = audit::Verify(*db_);
  EXPECT_TRUE(chain->ok) << chain->problem;
}

TEST_P(WorkflowTest, ASecondNoticeForWhatCouldHaveBeenNamedFirstIsRefused) {
  auto a = wf_->StartDraft(ent_, item_).value();
  Submission s;
  s.values = {{"contact", "王经理"}};
  s.files = {{0, UploadPdf(ent_, "a.pdf")}, {1, UploadPdf(ent_, "b.pdf")}};
  ASSERT_TRUE(wf_->Submit(ent_, a.id, s).ok());
  ASSERT_TRUE(wf_->ReturnForCorrection(kjj_reviewer_, a.id, {{"material", "0", "", "模糊"}}, "").ok());
  Submission fix;
  fix.files = {{0, UploadPdf(ent_, "a2.pdf", "v2")}};
  // Only what the notice listed may change.
  Submission sneaky = fix;
  sneaky.files[1] = UploadPdf(ent_, "b2.pdf", "v2");
  EXPECT_EQ(wf_->Resubmit(ent_, a.id, sneaky).error().code, "not_in_notice");
  ASSERT_TRUE(wf_->Resubmit(ent_, a.id, fix).ok());
  auto second = wf_->ReturnForCorrection(kjj_reviewer_, a.id, {{"material", "1", "", "审计报告也不对"}}, "");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "already_notified");
  EXPECT_NE(second.error().message.find("一次性"), std::string::npos);
  // The replaced file itself may be found wanting again.
  EXPECT_TRUE(
      wf_->ReturnForCorrection(kjj_reviewer_, a.id, {{"material", "0", "", "新文件仍不清晰"}}, "").ok());
}

TEST_P(WorkflowTest, TheClockStopsDuringCorrectionAndOverdueStagesAreFlagged) {
  auto a = wf_->StartDraft(ent_, item_).value();
  Submission s;
  s.values = {{"contact", "王经理"}};
  s.files = {{0, UploadPdf(ent_, "a.pdf")}, {1, UploadPdf(ent_, "b.pdf")}};
  ASSERT_TRUE(wf_->Submit(ent_, a.id, s).ok());  // Tuesday 1 Dec: due Friday 4 Dec
  SetToday(2026, 12, 3);                         // Thursday: two working days used
  ASSERT_TRUE(wf_->ReturnForCorrection(kjj_reviewer_, a.id, {{"material", "0", "", "模糊"}}, "").ok());
  SetToday(2026, 12, 10);  // the applicant answers a week later
  Submission fix;
  fix.files = {{0, UploadPdf(ent_, "a2.pdf", "v2")}};
  auto back = wf_->Resubmit(ent_, a.id, fix).value();
  const StageRecord* st = Active(back, kjj_);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->days_used, 2);
  EXPECT_EQ(st->due_on, Date::FromYmd(2026, 12, 11)) << "the one working day left, counted from the answer";
  SetToday(2026, 12, 14);  // Monday after the due Friday
  ASSERT_TRUE(db_->Write([&](store::Session& tx) { return wf_->OnStageDeadline(tx, st->id); }).ok());
  auto flagged = wf_->Get(kjj_reviewer_, a.id).value();
  EXPECT_TRUE(Active(flagged, kjj_)->overdue);
  QueueFilter f;
  f.overdue_only = true;
  auto queue = wf_->Queue(kjj_reviewer_, f).value();
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_TRUE(queue[0].overdue);
  notify::Inbox inbox(*db_, clock_);
  EXPECT_GE(inbox.List(admin_.user_id, std::nullopt, 1, 20)->total, 1) << "the platform office is told";
  EXPECT_GE(inbox.List(kjj_reviewer_.user_id, kjj_, 1, 20)->total, 1) << "the department is told";
}

TEST_P(WorkflowTest, NobodySeesOrActsOnAnotherOnesApplication) {
  auto a = wf_->StartDraft(ent_, item_).value();
  EXPECT_EQ(wf_->Get(other_ent_, a.id).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(wf_->SaveDraft(other_ent_, a.id, {}).error().kind, ErrorKind::kNotFound);
  auth::Principal swj =
      AddUser("swj_reviewer", auth::UserKind::kDepartmentStaff, swj_, {auth::Role::kReviewer});
  EXPECT_EQ(wf_->Get(swj, a.id).error().kind, ErrorKind::kNotFound) << "a department with no stage in it";
  Submission s;
  s.values = {{"contact", "王经理"}};
  // Another enterprise's file cannot be attached by guessing its id.
  s.files = {{0, UploadPdf(other_ent_, "theirs.pdf")}, {1, UploadPdf(ent_, "b.pdf")}};
  EXPECT_EQ(wf_->Submit(ent_, a.id, s).error().field, "materials.0");
  s.files[0] = UploadPdf(ent_, "a.pdf");
  ASSERT_TRUE(wf_->Submit(ent_, a.id, s).ok());
  EXPECT_EQ(wf_->Submit(ent_, a.id, s).error().code, "illegal_transition") << "submit twice";
  EXPECT_EQ(wf_->Accept(gxj_reviewer_, a.id, "").error().code, "no_active_stage")
      << "another department's stage";
  EXPECT_EQ(wf_->Accept(kjj_officer_, a.id, "").error().kind, ErrorKind::kPermissionDenied)
      << "an officer is no reviewer";
  ASSERT_TRUE(wf_->Withdraw(ent_, a.id, "不再申请").ok());
  auto late = wf_->Accept(kjj_reviewer_, a.id, "");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, "no_active_stage") << "approving a withdrawn application";
  EXPECT_EQ(wf_->Queue(kjj_reviewer_, {})->size(), 0u);
}

TEST_P(WorkflowTest, ARefusalNamesItsBasisAndEndsEveryStage) {
  auto a = wf_->StartDraft(ent_, item_).value();
  Submission s;
  s.values = {{"contact", "王经理"}};
  s.files = {{0, UploadPdf(ent_, "a.pdf")}, {1, UploadPdf(ent_, "b.pdf")}};
  ASSERT_TRUE(wf_->Submit(ent_, a.id, s).ok());
  ASSERT_TRUE(wf_->Accept(kjj_reviewer_, a.id, "").ok());
  EXPECT_EQ(wf_->Decide(gxj_reviewer_, a.id, false, "不符合", "").error().field, "basis");
  auto refused = wf_->Decide(gxj_reviewer_, a.id, false, "经核查未达到示范标准",
                             "条件：从业人数不少于50人（核实为45人）");
  ASSERT_TRUE(refused.ok()) << refused.error().ToString();
  EXPECT_EQ(refused->status, AppStatus::kRejected);
  EXPECT_NE(refused->decision_basis.find("从业人数"), std::string::npos);
  for (const auto& st : refused->stages) EXPECT_NE(st.status, "active");
  EXPECT_EQ(wf_->Decide(kjj_reviewer_, a.id, true, "同意").error().code, "no_active_stage");
  EXPECT_TRUE(wf_->PublicResults(1, 20)->empty());
}

TEST_P(WorkflowTest, CounterStaffApplyOnAnEnterprisesBehalfWithItsAuthorization) {
  EXPECT_EQ(wf_->StartDraft(counter_, item_, kXingchen, "").error().field, "authorization");
  auto a = wf_->StartDraft(counter_, item_, kXingchen, "法定代表人王某书面授权，2026-12-01 窗口核验身份证");
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_EQ(a->channel, "counter");
  EXPECT_EQ(a->uscc, kXingchen);
  EXPECT_EQ(wf_->Get(ent_, a->id)->case_no, a->case_no) << "the enterprise follows it online";
  EXPECT_EQ(wf_->StartDraft(kjj_reviewer_, item_, kXingchen, "x").error().kind, ErrorKind::kPermissionDenied);
}

// Two reviewers accept the same application at once: one wins, the other is told 409.
TEST_P(WorkflowTest, TwoReviewersAcceptingAtOnceHaveOneWinner) {
  auth::Principal second =
      AddUser("kjj_reviewer2", auth::UserKind::kDepartmentStaff, kjj_, {auth::Role::kReviewer});
  for (int round = 0; round < 4; ++round) {
    auto a = wf_->StartDraft(round % 2 ? other_ent_ : ent_, item_);
    if (!a.ok()) continue;
    Submission s;
    s.values = {{"contact", "经理"}};
    const auth::Principal& who = round % 2 ? other_ent_ : ent_;
    s.files = {{0, UploadPdf(who, "a" + std::to_string(round))},
               {1, UploadPdf(who, "b" + std::to_string(round))}};
    ASSERT_TRUE(wf_->Submit(who, a->id, s).ok());
    std::atomic<int> wins{0}, refused{0};
    auto accept = [&](const auth::Principal& r) {
      auto res = wf_->Accept(r, a->id, "受理");
      if (res.ok())
        ++wins;
      else if (res.error().kind == ErrorKind::kConflict || res.error().kind == ErrorKind::kFailedPrecondition)
        ++refused;
    };
    std::thread t1(accept, kjj_reviewer_), t2(accept, second);
    t1.join();
    t2.join();
    EXPECT_EQ(wins.load(), 1) << round;
    EXPECT_EQ(refused.load(), 1) << round;
    ASSERT_TRUE(wf_->Withdraw(who, a->id, "").ok());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkflowTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::workflow
