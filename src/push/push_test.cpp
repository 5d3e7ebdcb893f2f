// Subscriptions and pushes on both databases (issue 15 "Done when"): publishing an item tells
// exactly the eligible and near-miss enterprises that have not opted out, once each, with the
// reason; a second publication sends nothing new; a capped enterprise gets its overflow in the
// digest; 不相关 stops further pushes of the item; a batch push that crashed resumes without a
// second copy; the one-click unsubscribe link works without a login and refuses a forged one; bad
// subscriptions and settings are refused with the field named.
#include "push/push.h"

#include "audit/change_follower.h"
#include "core/uscc.h"
#include "enterprise/archive.h"
#include "policy/policy_test_support.h"
#include "schedule/scheduler.h"

namespace huiqi::push {
namespace {

using core::Date;
using core::ErrorKind;

constexpr store::Statement kInsertUser{
    "test.insert_user",
    "INSERT INTO users (login, display_name, kind, roles, uscc, phone, password_hash, created_at, "
    "updated_at) "
    "VALUES (?, ?, ?, ?, ?, '', 'x', '2026-01-01T00:00:00+08:00', '2026-01-01T00:00:00+08:00') RETURNING id"};
constexpr store::Statement kNoticesOf{
    "test.notices_of",
    "SELECT kind, title, body FROM notices WHERE user_id = ? AND kind LIKE 'push.%' ORDER BY id"};
constexpr store::Statement kPushCount{"test.push_count",
                                      "SELECT COUNT(*) AS n FROM pushes WHERE item_id = ?"};
constexpr store::Statement kPushNotices{
    "test.push_notices", "SELECT COUNT(*) AS n FROM notices WHERE kind = 'push.item' AND link LIKE ?"};
constexpr store::Statement kResetTargets{"test.reset_targets",
                                         "UPDATE push_targets SET done = 0 WHERE campaign_id = ?"};
constexpr store::Statement kReopenCampaign{"test.reopen_campaign",
                                           "UPDATE push_campaigns SET status = 'sending' WHERE id = ?"};

constexpr const char* kRule = "employees >= 10 and revenue >= 1000万";
constexpr int64_t kWan = 10000 * 100;  // 1万元 in fen

struct Firm {
  std::string uscc, name;
  int64_t employees, revenue_wan;
  bool account;
};

class PushTest : public policy::testing_support::PolicyFixture {
 protected:
  void SetUp() override {
    PolicyFixture::SetUp();
    SetToday(2026, 12, 1);  // a Tuesday, 10:00
    profiles_ =
        std::make_unique<enterprise::ProfileService>(*db_, clock_, rules::BuiltinSchemaRef(), nullptr);
    // A eligible; B fails one changeable condition (revenue); C fails two; D eligible without an
    // account; E eligible but opted out.
    firms_ = {{"913204127123456136", "常州星辰智能装备有限公司", 120, 2000, true},
              {"91320411712345728X", "常州绿源新材料有限公司", 30, 500, true},
              {"913204027123458321", "常州小微商贸有限公司", 5, 100, true},
              {"GEN:71234571", "常州无账号科技有限公司", 50, 3000, false},
              {"GEN:71234572", "常州静默制造有限公司", 200, 5000, true}};
    for (auto& f : firms_) {
      if (f.uscc.rfind("GEN:", 0) == 0) f.uscc = MakeUscc(f.uscc.substr(4));
      enterprise::EnterpriseRecord rec{f.uscc, f.name, {}};
      rec.facts.numbers["employees"] = f.employees;
      rec.facts.numbers["revenue"] = f.revenue_wan * kWan;
      auto up = profiles_->Upsert({std::nullopt, "test"}, rec, {"employees", "revenue"}, "人社");
      ASSERT_TRUE(up.ok()) << up.error().ToString();
      if (f.account)
        users_.push_back(AddAccount("acct_" + std::to_string(users_.size()), f.uscc));
      else
        users_.push_back({});
    }
    notifier_ = std::make_unique<notify::Notifier>(clock_, keys_);
    matches_ = std::make_unique<match::MatchService>(rules::BuiltinSchemaRef());
    Reindex();
    svc_push_ = std::make_unique<PushService>(PushDeps{*db_,
                                                       clock_,
                                                       *svc_,
                                                       *profiles_,
                                                       rules::BuiltinSchemaRef(),
                                                       *notifier_,
                                                       keys_,
                                                       *matches_,
                                                       nullptr,
                                                       {},
                                                       {}},
                                              options_);
    scheduler_ = std::make_unique<schedule::Scheduler>(*db_, clock_);
    scheduler_->Register(
        "push.item",
        [this](store::Session& tx, const schedule::Job& j) -> core::Result<std::optional<int64_t>> {
          auto p = nlohmann::json::parse(j.payload);
          HQ_RETURN_IF_ERROR(svc_push_->OnItemJob(tx, p["item_id"], p["window"], p["source"]));
          return std::optional<int64_t>{};
        });
    scheduler_->Register(
        "push.archive",
        [this](store::Session& tx, const schedule::Job& j) -> core::Result<std::optional<int64_t>> {
          auto p = nlohmann::json::parse(j.payload);
          HQ_RETURN_IF_ERROR(
              svc_push_->OnArchiveJob(tx, p["enterprise_id"], p["source"], p.value("change_id", int64_t{0})));
          return std::optional<int64_t>{};
        });
    scheduler_->Register(
        "push.campaign",
        [this](store::Session& tx, const schedule::Job& j) -> core::Result<std::optional<int64_t>> {
          auto p = nlohmann::json::parse(j.payload);
          HQ_ASSIGN_OR_RETURN(bool more, svc_push_->OnCampaignJob(tx, p["campaign_id"]));
          if (more) return std::optional<int64_t>{core::UnixSeconds(clock_.Now())};
          return std::optional<int64_t>{};
        });
    auto mark = audit::LatestChangeId(*db_);
    ASSERT_TRUE(mark.ok());
    mark_ = *mark;
    // E opts out of automatic pushes.
    Settings quiet;
    quiet.auto_push = false;
    ASSERT_TRUE(svc_push_->SaveSettings(Ent(4), quiet).ok());
    policy_ =
        Publish(Input("常州市企业发展扶持政策", Date::FromYmd(2026, 11, 27)), kjj_officer_, kjj_reviewer_).id;
  }

  //! A valid code from an 8-character organisation body (check characters computed).
  static std::string MakeUscc(const std::string& body8) {
    std::string first17 = "91320412" + body8 + core::OrgCodeCheckChar(body8);
    return first17 + core::UsccCheckChar(first17);
  }

  auth::Principal AddAccount(const std::string& login, const std::string& uscc) {
    auth::Principal p;
    p.user_id = db_->WriteValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
                     HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertUser,
                                                            {login, login, std::string("enterprise"),
                                                             std::string("enterprise_admin"), uscc},
                                                            "", ""));
                     return r.Int("id");
                   })
                    .value();
    p.login = login;
    p.kind = auth::UserKind::kEnterprise;
    p.uscc = uscc;
    p.roles = {auth::Role::kEnterpriseAdmin};
    return p;
  }

  const auth::Principal& Ent(size_t i) { return users_[i]; }

  void Reindex() {
    enterprise::Archive archive(*db_, clock_);
    auto all = archive.LoadAllFacts();
    ASSERT_TRUE(all.ok());
    matches_->Load(*all);
  }

  //! What a server node does: the change log to the pusher, then the due jobs.
  void Pump() {
    auto changes = audit::ChangesSince(*db_, mark_, 10000);
    ASSERT_TRUE(changes.ok());
    if (!changes->empty()) mark_ = changes->back().id;
    ASSERT_TRUE(svc_push_->OnChanges(*changes).ok());
    for (int i = 0; i < 20; ++i) {
      auto r = scheduler_->RunDue();
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(r->failed, 0);
      if (r->claimed == 0) break;
    }
  }

  int64_t PublishItem(const std::string& name, const std::string& rule = kRule) {
    policy::ItemInput guide = Guide(name);
    guide.rule_text = rule;
    auto item = svc_->CreateItem(kjj_officer_, policy_, guide);
    EXPECT_TRUE(item.ok()) << item.error().ToString();
    EXPECT_TRUE(svc_->PublishItem(kjj_officer_, item->id).ok());
    return item->id;
  }

  struct Seen {
    std::string kind, title, body;
  };
  std::vector<Seen> NoticesOf(size_t firm) {
    if (users_[firm].user_id == 0) return {};
    auto rows = db_->ReadValue<store::Rows>(
        [&](store::Session& s) { return s.Query(kNoticesOf, {users_[firm].user_id}); });
    std::vector<Seen> out;
    for (const auto& r : rows.value()) out.push_back({r.Text("kind"), r.Text("title"), r.Text("body")});
    return out;
  }

  int64_t Count(const store::Statement& st, store::Params p) {
    return db_
        ->ReadValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(st, p, "", ""));
          return r.Int("n");
        })
        .value();
  }

  // The scenarios run twice: with each candidate's rows read by index (the default for a few
  // candidates) and with the platform-wide reads a publication to many uses (PushBulkTest).
  void Publishing() {
    int64_t item = PublishItem("企业发展奖励");
    Pump();
    auto a = NoticesOf(0), b = NoticesOf(1), c = NoticesOf(2), e = NoticesOf(4);
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].kind, "push.item");
    EXPECT_NE(a[0].title.find("符合条件"), std::string::npos) << a[0].title;
    EXPECT_NE(a[0].body.find("符合本事项全部条件"), std::string::npos) << a[0].body;
    EXPECT_NE(a[0].body.find("/unsubscribe?token="), std::string::npos);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_NE(b[0].body.find("仅差一项"), std::string::npos) << b[0].body;
    EXPECT_NE(b[0].body.find("营业收入"), std::string::npos) << b[0].body;
    EXPECT_TRUE(c.empty());                   // fails two conditions
    EXPECT_TRUE(e.empty());                   // opted out
    EXPECT_EQ(Count(kPushCount, {item}), 2);  // D has no account: nobody to tell, nothing stored

    // The pusher's view: the reason in the 消息中心.
    int64_t total = 0;
    auto mine = svc_push_->MyPushes(Ent(1), 1, 20, &total);
    ASSERT_TRUE(mine.ok());
    ASSERT_EQ(total, 1);
    EXPECT_EQ(mine->front().reason, "near_miss");

    // The same change delivered again (another node, a hole filled) and a second publication of a
    // revision of the item: nothing new.
    auto changes = audit::ChangesSince(*db_, 0, 10000);
    ASSERT_TRUE(svc_push_->OnChanges(*changes).ok());
    ASSERT_TRUE(svc_->WithdrawItem(kjj_officer_, item).ok());
    ASSERT_TRUE(svc_->PublishItem(kjj_officer_, item).ok());
    Pump();
    EXPECT_EQ(NoticesOf(0).size(), 1u);
    EXPECT_EQ(NoticesOf(1).size(), 1u);
    EXPECT_EQ(Count(kPushCount, {item}), 2);

    // The campaign records its breakdown.
    auto campaigns = svc_push_->List(kjj_officer_, 1, 20, &total);
    ASSERT_TRUE(campaigns.ok());
    ASSERT_GE(campaigns->size(), 1u);
    const Campaign& first = campaigns->back();
    EXPECT_EQ(first.kind, "auto");
    EXPECT_EQ(first.breakdown.value("eligible", 0), 1);
    EXPECT_EQ(first.breakdown.value("near_miss", 0), 1);
    EXPECT_EQ(first.breakdown.value("unreachable", 0), 1);
    EXPECT_EQ(first.breakdown.value("opted_out", 0), 1);
  }

  void CappedOverflow() {
    Settings one;
    one.daily_cap = 1;
    ASSERT_TRUE(svc_push_->SaveSettings(Ent(0), one).ok());
    PublishItem("企业发展奖励");
    PublishItem("规模企业培育奖励");
    Pump();
    auto a = NoticesOf(0);
    ASSERT_EQ(a.size(), 1u);  // the cap: one now
    int64_t total = 0;
    auto mine = svc_push_->MyPushes(Ent(0), 1, 20, &total);
    ASSERT_TRUE(mine.ok());
    ASSERT_EQ(total, 2);
    EXPECT_EQ(mine->front().status, "deferred");  // newest first: the overflow
    auto next = db_->WriteValue<int64_t>([&](store::Session& s) { return svc_push_->OnDigestJob(s); });
    ASSERT_TRUE(next.ok()) << next.error().ToString();
    EXPECT_GT(*next, core::UnixSeconds(clock_.Now()));
    a = NoticesOf(0);
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[1].kind, "push.digest");
    EXPECT_NE(a[1].body.find("规模企业培育奖励"), std::string::npos) << a[1].body;
    mine = svc_push_->MyPushes(Ent(0), 1, 20, &total);
    EXPECT_EQ(mine->front().status, "digested");
    // A second digest run finds nothing left.
    ASSERT_TRUE(db_->WriteValue<int64_t>([&](store::Session& s) { return svc_push_->OnDigestJob(s); }).ok());
    EXPECT_EQ(NoticesOf(0).size(), 2u);
    // A cap above the platform's is refused, naming the field.
    Settings greedy;
    greedy.daily_cap = 99;
    auto bad = svc_push_->SaveSettings(Ent(0), greedy);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().field, "daily_cap");
  }

  void Irrelevant() {
    int64_t item = PublishItem("企业发展奖励");
    Pump();
    int64_t total = 0;
    auto mine = svc_push_->MyPushes(Ent(1), 1, 20, &total);
    ASSERT_TRUE(mine.ok() && total == 1);
    auto marked = svc_push_->MarkIrrelevant(Ent(1), mine->front().id, "与我企业无关");
    ASSERT_TRUE(marked.ok()) << marked.error().ToString();
    EXPECT_EQ(marked->feedback, "irrelevant");
    // Another enterprise cannot touch it.
    EXPECT_EQ(svc_push_->MarkIrrelevant(Ent(0), mine->front().id, "").error().kind, ErrorKind::kNotFound);
    // 绿源 now qualifies (its revenue grew): the archive change would push the item as eligible, but
    // it said 不相关.
    enterprise::EnterpriseRecord rec{firms_[1].uscc, firms_[1].name, {}};
    rec.facts.numbers["revenue"] = 2000 * kWan;
    ASSERT_TRUE(profiles_->Upsert({std::nullopt, "test"}, rec, {"revenue"}, "税务").ok());
    Pump();
    EXPECT_EQ(NoticesOf(1).size(), 1u);
    EXPECT_EQ(Count(kPushCount, {item}), 2);
    // 小微 grows into eligibility and has said nothing: it is told now, with the archive reason.
    enterprise::EnterpriseRecord grown{firms_[2].uscc, firms_[2].name, {}};
    grown.facts.numbers["employees"] = 40;
    grown.facts.numbers["revenue"] = 1500 * kWan;
    ASSERT_TRUE(profiles_->Upsert({std::nullopt, "test"}, grown, {"employees", "revenue"}, "税务").ok());
    Pump();
    auto c = NoticesOf(2);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_NE(c[0].body.find("企业档案更新后"), std::string::npos) << c[0].body;
  }

  secrets::KeyRing keys_ = secrets::KeyRing::Ephemeral();
  std::vector<Firm> firms_;
  std::vector<auth::Principal> users_;
  std::unique_ptr<enterprise::ProfileService> profiles_;
  std::unique_ptr<notify::Notifier> notifier_;
  std::unique_ptr<match::MatchService> matches_;
  std::unique_ptr<PushService> svc_push_;
  std::unique_ptr<schedule::Scheduler> scheduler_;
  PushOptions options_;
  int64_t mark_ = 0;
  int64_t policy_ = 0;
};

TEST_P(PushTest, PublishingTellsTheEligibleAndNearMissOnceEachWithTheReason) { Publishing(); }

TEST_P(PushTest, ACappedEnterpriseGetsTheOverflowInTheDigest) { CappedOverflow(); }

TEST_P(PushTest, IrrelevantStopsFurtherPushesOfTheItem) { Irrelevant(); }

TEST_P(PushTest, AnArchiveChangePushesOnlyWhatItNewlyQualifiesFor) {
  int64_t item = PublishItem("企业发展奖励");
  Pump();  // 无账号 qualifies but has no account: nobody told
  users_[3] = AddAccount("acct_d", firms_[3].uscc);
  // A change that leaves it qualifying (50 → 60 employees) is not news: it qualified before.
  enterprise::EnterpriseRecord same{firms_[3].uscc, firms_[3].name, {}};
  same.facts.numbers["employees"] = 60;
  ASSERT_TRUE(profiles_->Upsert({std::nullopt, "test"}, same, {"employees"}, "人社").ok());
  Pump();
  EXPECT_TRUE(NoticesOf(3).empty());
  EXPECT_EQ(Count(kPushCount, {item}), 2);
  // A change that makes it qualify for another item is.
  int64_t big = PublishItem("规模企业培育奖励", "employees >= 100 and revenue >= 1000万");
  Pump();  // a near miss for 无账号 (60 < 100): told so, once
  ASSERT_EQ(NoticesOf(3).size(), 1u);
  enterprise::EnterpriseRecord grown{firms_[3].uscc, firms_[3].name, {}};
  grown.facts.numbers["employees"] = 150;
  ASSERT_TRUE(profiles_->Upsert({std::nullopt, "test"}, grown, {"employees"}, "人社").ok());
  Pump();
  auto seen = NoticesOf(3);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_NE(seen[1].body.find("企业档案更新后"), std::string::npos) << seen[1].body;
  EXPECT_NE(seen[1].body.find("规模企业培育奖励"), std::string::npos) << seen[1].body;
  EXPECT_EQ(Count(kPushCount, {big}), 3);  // 星辰 eligible (静默 opted out), 无账号 near miss then eligible
}

TEST_P(PushTest, ABatchPushThatCrashedResumesWithoutASecondCopy) {
  // Published without following the change log: only the department's batch tells anyone.
  int64_t item = PublishItem("企业发展奖励");
  auto changes = audit::ChangesSince(*db_, mark_, 10000);
  mark_ = changes->back().id;
  NewCampaign in{item, "eligible", "", {}, "请于12月底前申报"};
  auto draft = svc_push_->Draft(kjj_officer_, in);
  ASSERT_TRUE(draft.ok()) << draft.error().ToString();
  EXPECT_EQ(draft->status, "draft");
  EXPECT_EQ(draft->total, 1);  // 星辰 (D has no account, E opted out)
  EXPECT_EQ(draft->breakdown.value("unreachable", 0), 1);
  EXPECT_EQ(draft->breakdown.value("opted_out", 0), 1);
  EXPECT_NE(draft->preview_body.find("请于12月底前申报"), std::string::npos) << draft->preview_body;
  // Another department sees nothing of it.
  EXPECT_EQ(svc_push_->Get(gxj_officer_, draft->id).error().kind, ErrorKind::kNotFound);
  auto sent = svc_push_->Submit(kjj_officer_, draft->id);
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  EXPECT_EQ(sent->status, "sending");
  EXPECT_EQ(svc_push_->Submit(kjj_officer_, draft->id).error().kind, ErrorKind::kFailedPrecondition);
  // A crash mid-step: the step's transaction rolls back, nothing is half-written.
  auto crashed = db_->Write([&](store::Session& s) -> core::Status {
    HQ_RETURN_IF_ERROR(svc_push_->OnCampaignJob(s, draft->id));
    return core::Internal("killed");
  });
  EXPECT_FALSE(crashed.ok());
  EXPECT_EQ(Count(kPushCount, {item}), 0);
  Pump();
  EXPECT_EQ(Count(kPushCount, {item}), 1);
  EXPECT_EQ(NoticesOf(0).size(), 1u);
  // A step that committed but whose completion was lost runs again: still one copy.
  ASSERT_TRUE(db_->Write([&](store::Session& s) -> core::Status {
                   HQ_RETURN_IF_ERROR(s.Exec(kResetTargets, {draft->id}));
                   HQ_RETURN_IF_ERROR(s.Exec(kReopenCampaign, {draft->id}));
                   HQ_RETURN_IF_ERROR(svc_push_->OnCampaignJob(s, draft->id));
                   return core::Ok();
                 })
                  .ok());
  EXPECT_EQ(NoticesOf(0).size(), 1u);
  EXPECT_EQ(Count(kPushNotices, {"/items/" + std::to_string(item) + "?%"}), 1);
  auto done = svc_push_->Get(kjj_officer_, draft->id);
  EXPECT_EQ(done->status, "sent");
  // The automatic push of the same publication, if it comes late, tells 星辰 nothing new.
  ASSERT_TRUE(svc_push_->OnChanges(*changes).ok());
  Pump();
  EXPECT_EQ(NoticesOf(0).size(), 1u);
}

TEST_P(PushTest, BatchesAboveTheThresholdNeedAnotherReviewer) {
  svc_push_ = std::make_unique<PushService>(PushDeps{*db_,
                                                     clock_,
                                                     *svc_,
                                                     *profiles_,
                                                     rules::BuiltinSchemaRef(),
                                                     *notifier_,
                                                     keys_,
                                                     *matches_,
                                                     nullptr,
                                                     {},
                                                     {}},
                                            PushOptions{3, 10, 0});  // every batch needs approval
  int64_t item = PublishItem("企业发展奖励");
  auto draft = svc_push_->Draft(kjj_officer_, {item, "list", "", {firms_[0].uscc, firms_[2].uscc}, ""});
  ASSERT_TRUE(draft.ok()) << draft.error().ToString();
  EXPECT_EQ(draft->total, 2);
  EXPECT_TRUE(draft->needs_approval);
  auto sub = svc_push_->Submit(kjj_officer_, draft->id);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->status, "pending_approval");
  EXPECT_EQ(svc_push_->Approve(gxj_reviewer_, draft->id).error().kind, ErrorKind::kPermissionDenied);
  auto ok = svc_push_->Approve(kjj_reviewer_, draft->id);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(svc_push_->Approve(kjj_reviewer_, draft->id).error().kind, ErrorKind::kFailedPrecondition);
  Pump();
  EXPECT_EQ(NoticesOf(2).size(), 1u);
  EXPECT_NE(NoticesOf(2)[0].body.find("列入本事项推送名单"), std::string::npos);
  // A bad line is named, and nothing is created.
  auto bad = svc_push_->Draft(kjj_officer_, {item, "list", "", {firms_[0].uscc, "12345"}, ""});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "usccs");
  EXPECT_NE(bad.error().message.find("第 2 行"), std::string::npos) << bad.error().message;
}

TEST_P(PushTest, SubscriptionsAreCheckedAndUnsubscribingNeedsNoLogin) {
  auto unknown = svc_push_->Subscribe(Ent(2), "tag", "不存在的标签");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "value");
  auto kind = svc_push_->Subscribe(Ent(2), "colour", "red");
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(kind.error().field, "kind");
  EXPECT_EQ(svc_push_->Subscribe(Ent(2), "keyword", "a").error().field, "value");
  Settings hook;
  hook.webhook_url = "http://example.com/hook";
  EXPECT_EQ(svc_push_->SaveSettings(Ent(2), hook).error().field, "webhook_url");
  hook.webhook_url = "https://example.com/hook";
  hook.quiet_start = "22:00";
  EXPECT_EQ(svc_push_->SaveSettings(Ent(2), hook).error().field, "quiet_end");
  hook.quiet_end = "25:00";
  EXPECT_EQ(svc_push_->SaveSettings(Ent(2), hook).error().field, "quiet_end");

  // 小微 does not qualify but subscribes to the policy type: told, as a subscription match.
  auto sub = svc_push_->Subscribe(Ent(2), "type", "tech");
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  PublishItem("企业发展奖励");
  Pump();
  auto c = NoticesOf(2);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NE(c[0].body.find("您订阅了政策类型"), std::string::npos) << c[0].body;
  // The link in the notice unsubscribes that subscription without a login.
  size_t at = c[0].body.find("token=");
  ASSERT_NE(at, std::string::npos);
  std::string token = c[0].body.substr(at + 6);
  token = token.substr(0, token.find_first_of("\n "));
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(svc_push_->UnsubscribeByToken(forged).error().field, "token");
  auto gone = svc_push_->UnsubscribeByToken(token);
  ASSERT_TRUE(gone.ok()) << gone.error().ToString();
  EXPECT_NE(gone->find("政策类型"), std::string::npos);
  auto settings = svc_push_->GetSettings(Ent(2));
  ASSERT_TRUE(settings.ok());
  EXPECT_TRUE(settings->subscriptions.empty());
  PublishItem("规模企业培育奖励");
  Pump();
  EXPECT_EQ(NoticesOf(2).size(), 1u);
  // "all" from a push to 星辰 stops every automatic push.
  std::string all = svc_push_->UnsubscribeToken("e:1", "all");
  EXPECT_TRUE(svc_push_->UnsubscribeByToken(all).ok());
}

// Every job reads the platform-wide way (as one with more than 1000 candidates does): the same
// pushes, caps, digests and suppressions as the per-candidate reads above.
class PushBulkTest : public PushTest {
 protected:
  void SetUp() override {
    options_.bulk_context_from = 0;
    PushTest::SetUp();
  }
};

TEST_P(PushBulkTest, PublishingTellsTheEligibleAndNearMissOnceEachWithTheReason) { Publishing(); }
TEST_P(PushBulkTest, ACappedEnterpriseGetsTheOverflowInTheDigest) { CappedOverflow(); }
TEST_P(PushBulkTest, IrrelevantStopsFurtherPushesOfTheItem) { Irrelevant(); }

INSTANTIATE_TEST_SUITE_P(Backends, PushBulkTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});
INSTANTIATE_TEST_SUITE_P(Backends, PushTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

}  // namespace
}  // namespace huiqi::push
