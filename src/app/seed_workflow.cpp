// seed-demo, second half: the platform seal CA, a seal for every department, and applications of
// the demo enterprises in every state (draft, submitted, returned for 补正, in 会审, in 公示,
// approved, refused) with signed opinions (issue 13 item 11). The applications are made through
// the workflow service itself, on a clock that walks through the past weeks, so their history,
// deadlines, notices and seals are what a real run would have left. Idempotent: seals are issued
// only to departments without one; applications only when there are none.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "app/commands.h"
#include "app/context.h"
#include "auth/auth_service.h"
#include "enterprise/attributes.h"
#include "enterprise/profile.h"
#include "files/file_store.h"
#include "notify/notify.h"
#include "policy/policy_service.h"
#include "seal/seal_service.h"
#include "workflow/workflow_service.h"

namespace huiqi::app {

namespace {

using namespace std::chrono_literals;

const audit::Actor kSeed{std::nullopt, "seed-demo"};

template <typename T>
T Must(core::Result<T> r, std::string_view what) {
  if (!r.ok()) {
    std::cerr << "seed-demo: " << what << "\n";
    Fail(r.error());
  }
  return std::move(r).value();
}

void Must(const core::Status& st, std::string_view what) {
  if (!st.ok()) {
    std::cerr << "seed-demo: " << what << "\n";
    Fail(st.error());
  }
}

// The demo accounts as principals (what a login would give them).
std::map<std::string, auth::Principal> DemoPrincipals(auth::AuthService& auth) {
  std::map<std::string, auth::Principal> out;
  for (int page = 1;; ++page) {
    auto users = Must(auth.ListUsers(page, 100), "listing the demo accounts");
    for (const auto& u : users.items) {
      auth::Principal p;
      p.user_id = u.id;
      p.login = u.login;
      p.display_name = u.display_name;
      p.kind = u.kind;
      p.department_id = u.department_id;
      p.roles = u.roles;
      p.uscc = u.uscc;
      out[u.login] = p;
    }
    if (users.items.size() < 100) break;
  }
  return out;
}

// One step of a demo application's history, at a moment of the walking clock.
struct Story {
  core::FixedClock& clock;
  workflow::WorkflowService& wf;
  files::FileStore& files;
  policy::PolicyService& policies;
  std::map<std::string, auth::Principal>& who;

  const auth::Principal& P(const std::string& login) {
    auto it = who.find(login);
    if (it == who.end()) {
      Fail(core::NotFound("演示账号 " + login, "demo account " + login));
    }
    return it->second;
  }
  void At(core::TimePoint t) { clock.Set(t); }

  int64_t Pdf(const auth::Principal& owner, const std::string& name) {
    auto temp = files.TempPath();
    {
      std::ofstream out(temp, std::ios::binary);
      out << "%PDF-1.4\n% 演示材料（虚构）: " << name << " " << owner.login
          << "\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    }
    return Must(files.Accept(temp, owner, name + ".pdf", "material"), "storing a demo material").id;
  }

  // A draft with the form's required fields filled and every material that needs a file uploaded.
  workflow::Submission Complete(const auth::Principal& ent, int64_t item_id,
                                const workflow::Application& draft) {
    workflow::Submission s;
    s.values = draft.form_values;
    auto form = Must(wf.Form(item_id), "reading a form");
    for (const auto& f : form.fields) {
      if (s.values.contains(f.key) || !f.required) continue;
      if (f.type == "money")
        s.values[f.key] = "20万";
      else if (f.type == "number")
        s.values[f.key] = "10";
      else if (f.type == "date")
        s.values[f.key] = "2026-06-30";
      else if (f.type == "choice" && !f.options.empty())
        s.values[f.key] = f.options.front();
      else
        s.values[f.key] = f.key == "contact" ? "王经理 0519-86660000" : "见附件";
    }
    auto item = Must(policies.GetItem(nullptr, item_id), "reading an item");
    for (size_t i = 0; i < item.materials.size(); ++i) {
      if (item.materials[i].exempt) continue;
      s.files[static_cast<int>(i)] = Pdf(ent, item.materials[i].name);
    }
    return s;
  }

  workflow::Application Submitted(const std::string& login, int64_t item_id) {
    const auto& ent = P(login);
    auto draft = Must(wf.StartDraft(ent, item_id), "starting a demo application");
    auto s = Complete(ent, item_id, draft);
    return Must(wf.Submit(ent, draft.id, s), "submitting a demo application");
  }
};

void Flow(workflow::WorkflowService& wf, const auth::Principal& officer, int64_t item,
          std::vector<workflow::StageDef> stages) {
  Must(wf.SetFlow(officer, item, std::move(stages), false), "setting a demo item's stages");
}

}  // namespace

void SeedWorkflowDemo(const CommonOptions& common, store::Database& db, const secrets::KeyRing& keys) {
  core::SystemClock real;
  const core::TimePoint now = real.Now();
  // The walk starts five weeks ago, at 09:00 Shanghai time.
  const core::Date start = core::ShanghaiDate(now).AddDays(-35);
  const core::TimePoint t0 = core::ShanghaiMidnight(start) + 9h;
  core::FixedClock clock(t0);
  auto day = [&](int d, std::chrono::minutes m = 0min) { return t0 + std::chrono::hours(24 * d) + m; };

  auth::AuthService auth(db, clock, auth::AuthDeps{keys});
  seal::SealOptions seal_options;
  seal_options.key_passphrase = SealPassphrase(keys);
  seal::SealService seals(db, clock, seal_options);
  bool ca_created = false;
  Must(seals.EnsureCa(kSeed, &ca_created), "creating the seal CA");
  int issued = 0;
  for (const auto& d : Must(auth.ListDepartments(), "listing departments")) {
    if (seals.ActiveSeal(d.id).ok()) continue;
    Must(seals.IssueDepartmentSeal(kSeed, {d.id, d.code, d.name, ""}), "issuing a department's seal");
    ++issued;
  }
  std::cout << "demo seals: CA " << (ca_created ? "created" : "already there") << ", " << issued
            << " department seals issued\n";

  auto any = db.ReadValue<int64_t>([](store::Session& s) -> core::Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(
        auto row,
        s.QueryOne({"seed.count_applications", "SELECT COUNT(*) AS n FROM applications"}, {}, "", ""));
    return row.Int("n");
  });
  if (!any.ok()) Fail(any.error());
  if (*any > 0) {
    std::cout << "demo applications: " << *any << " already there\n";
    return;
  }

  auto cal = LoadCalendar(common, &db);
  auto reference = LoadReferenceData(common);
  auto schema = Must(enterprise::LoadSchema(db), "loading the attribute schema");
  policy::PolicyService policies(db, clock, cal, &schema);
  enterprise::ProfileService profiles(db, clock, schema, &reference);
  notify::Notifier notifier(clock, keys);
  files::FileStoreOptions file_options;
  file_options.root = StateDir(common) / "files";
  files::FileStore files(db, clock, file_options);
  workflow::WorkflowService wf(
      {db, clock, cal, policies, profiles, schema, notifier, files, &seals, &reference});
  auto who = DemoPrincipals(auth);
  Story st{clock, wf, files, policies, who};

  // Items the demo enterprises qualify for (data/demo), open all year or in this season's window.
  // 科技创新券兑付 (8, 科技局), 企业上云用云补贴 (70, 数据局), 专精特新企业梯度培育奖励 (16, 工信局),
  // 知识产权质押融资贴息 (66, 市场监管局), 数据资产入表奖励 (68, 数据局), 武进区高新技术企业区级配套奖励
  // (74).
  st.At(day(0));
  Flow(wf, st.P("kjj_officer"), 8,
       {{"accept", "受理", {"CZ-KJJ"}, 3},
        {"joint_review", "联合会审", {"CZ-KJJ", "CZ-CZJ"}, 5},
        {"publicity", "结果公示", {"CZ-KJJ"}, 5}});
  Flow(wf, st.P("gxj_officer"), 16,
       {{"accept", "受理", {"CZ-GXJ"}, 3},
        {"joint_review", "联合会审", {"CZ-GXJ", "CZ-CZJ"}, 5},
        {"publicity", "结果公示", {"CZ-GXJ"}, 5}});
  Flow(wf, st.P("sju_officer"), 70,
       {{"accept", "受理", {"CZ-SJU"}, 3},
        {"review", "审核", {"CZ-SJU"}, 5},
        {"publicity", "结果公示", {"CZ-SJU"}, 5}});

  // 已通过: applied five weeks ago, accepted, signed by 科技局 and 财政局, 公示 without objection.
  auto approved = st.Submitted("ent_lvyuan", 8);
  st.At(day(1, 90min));
  Must(wf.Accept(st.P("kjj_reviewer"), approved.id, "材料齐全，予以受理。"), "accepting");
  st.At(day(3, 30min));
  Must(wf.Decide(st.P("kjj_reviewer"), approved.id, true,
                 "经审核，企业使用创新券购买的检测服务真实，同意兑付。"),
       "signing (科技局)");
  st.At(day(4, 60min));
  Must(wf.Decide(st.P("czj_reviewer"), approved.id, true, "资金已列入年度预算，同意按核定金额拨付。", "",
                 int64_t{5000000}),
       "signing (财政局)");
  st.At(day(14));
  Must(db.Write([&](store::Session& s) -> core::Status {
    HQ_RETURN_IF_ERROR(wf.OnPublicityEnd(s, approved.id));
    return core::Ok();
  }),
       "ending the public notice");

  // 未通过: refused at 受理, with the material it rests on.
  st.At(day(20));
  auto refused = st.Submitted("ent_lvyuan", 70);
  st.At(day(21, 45min));
  Must(wf.Decide(st.P("sju_reviewer"), refused.id, false,
                 "所附上云服务合同的服务期不在补贴年度内，不符合申报条件。",
                 "材料：上云服务合同（服务期不在补贴年度内）"),
       "refusing");

  // 公示中: 企业上云 for 星辰, accepted and approved; the notice runs for five working days.
  st.At(day(27));
  auto publicity = st.Submitted("ent_xingchen", 70);
  st.At(day(28, 60min));
  Must(wf.Accept(st.P("sju_reviewer"), publicity.id, "予以受理。"), "accepting");
  st.At(day(31, 120min));
  Must(wf.Decide(st.P("sju_reviewer"), publicity.id, true, "上云服务合同与发票一致，同意补贴。"),
       "approving");

  // 会审中: 工信局 has signed, 财政局 has not yet.
  st.At(day(30));
  auto joint = st.Submitted("ent_xingchen", 16);
  st.At(day(31));
  Must(wf.Accept(st.P("gxj_reviewer"), joint.id, "予以受理，转联合会审。"), "accepting");
  st.At(day(33, 30min));
  Must(wf.Decide(st.P("gxj_reviewer"), joint.id, true, "企业已获评省级专精特新中小企业，同意奖励。"),
       "signing (工信局)");

  // 待补正: one notice listing both problems.
  st.At(day(33));
  auto returned = st.Submitted("ent_xingchen", 66);
  st.At(day(34));
  Must(wf.ReturnForCorrection(st.P("sjj_reviewer"), returned.id,
                              {{"material", "0", "知识产权质押融资贴息申请表", "未加盖企业公章"},
                               {"material", "1", "借款合同及质押登记证明", "缺少质押登记通知书"}},
                              "请一次补齐后重新提交。"),
       "returning for correction");

  // 已提交待受理, and a draft.
  st.At(day(34, 120min));
  st.Submitted("ent_lvyuan", 68);
  st.At(day(35, -30min));
  Must(wf.StartDraft(st.P("ent_xingchen"), 74), "starting a draft");

  std::cout << "demo applications: 7 added (draft, submitted, returned, joint review, public notice, "
               "approved, refused)\n";
}

}  // namespace huiqi::app
