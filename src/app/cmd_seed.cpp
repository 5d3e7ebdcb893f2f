// huiqi seed-demo — demo departments, accounts (and, as the modules arrive, content) from
// data/demo. Idempotent: what exists already is left alone.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/context.h"
#include "app/search_context.h"
#include "auth/auth_service.h"
#include "enterprise/data_sources.h"
#include "enterprise/profile.h"
#include "files/demo_documents.h"
#include "files/guide_files.h"
#include "policy/demo_loader.h"
#include "policy/policy_service.h"

namespace huiqi::app {

namespace {

using nlohmann::json;

constexpr const char* kDemoPassword = "Huiqi@2026";

json ReadJson(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) Fail(core::NotFound("演示数据文件 " + p.string(), "demo file " + p.string()));
  auto j = json::parse(in, nullptr, false);
  if (j.is_discarded()) {
    Fail(core::InvalidArgument("demo", "invalid_json", "演示数据文件不是合法 JSON：" + p.string(),
                               "bad JSON: " + p.string()));
  }
  return j;
}

// Creates the user unless the login exists; returns whether it was created.
bool EnsureUser(auth::AuthService& svc, const auth::NewUser& u) {
  auto created = svc.CreateUser(nullptr, u);
  if (created.ok()) return true;
  if (created.error().code == "duplicate") return false;
  Fail(created.error());
}

std::vector<auth::Role> RolesOf(const json& arr) {
  std::vector<auth::Role> out;
  for (const auto& r : arr) {
    auto role = auth::ParseRole(r.get<std::string>());
    if (!role.ok()) Fail(role.error());
    out.push_back(*role);
  }
  return out;
}

void SeedAccounts(auth::AuthService& svc, const json& doc, int& departments, int& users) {
  for (const auto& d : doc.at("departments")) {
    auto existing = svc.FindDepartmentByCode(d.at("code").get<std::string>());
    if (!existing.ok()) {
      auto level = auth::ParseDepartmentLevel(d.at("level").get<std::string>());
      if (!level.ok()) Fail(level.error());
      std::optional<int64_t> parent;
      if (d.contains("parent_code") && d["parent_code"].is_string()) {
        auto p = svc.FindDepartmentByCode(d["parent_code"].get<std::string>());
        if (p.ok()) parent = p->id;
      }
      auto created = svc.CreateDepartment(
          nullptr, {0, d.at("code"), d.at("name"), *level, parent, d.value("phone", "")});
      if (!created.ok()) Fail(created.error());
      ++departments;
    }
    for (const auto& s : d.value("staff", json::array())) {
      users += EnsureUser(svc, {auth::UserKind::kDepartmentStaff, s.at("login"), s.at("name"), kDemoPassword,
                                d.at("code"), RolesOf(s.at("roles"))});
    }
  }
  if (doc.contains("platform_admin")) {
    const auto& a = doc["platform_admin"];
    users += EnsureUser(svc, {auth::UserKind::kPlatformAdmin, a.at("login"), a.at("name"), kDemoPassword});
  }
  for (const auto& f : doc.value("finance", json::array())) {
    users += EnsureUser(svc, {auth::UserKind::kFinance, f.at("login"), f.at("name"), kDemoPassword});
  }
  for (const auto& e : doc.value("enterprises", json::array())) {
    auth::NewUser u{auth::UserKind::kEnterprise, e.at("login"), e.at("name"), kDemoPassword};
    u.uscc = e.at("uscc");
    u.phone = e.value("phone", "");  // the 闭环管理 SMS of their applications go here (file channel)
    users += EnsureUser(svc, u);
  }
  for (const auto& i : doc.value("individuals", json::array())) {
    users += EnsureUser(svc, {auth::UserKind::kIndividual, i.at("login"), i.at("name"), kDemoPassword});
  }
}

// data/demo/enterprises.json: the archives of the demo enterprise accounts. Idempotent: an
// unchanged archive writes nothing.
void SeedEnterprises(enterprise::ProfileService& profiles, const json& doc, int& created, int& updated) {
  for (const auto& e : doc.at("enterprises")) {
    enterprise::EnterpriseRecord rec;
    rec.uscc = e.at("uscc").get<std::string>();
    rec.name = e.value("name", "");
    std::vector<std::string> touched;
    const json facts = e.value("facts", json::object());
    for (const auto& [key, value] : facts.items()) {
      const rules::AttributeDef* a = profiles.schema().Find(key);
      if (!a)
        Fail(core::InvalidArgument("facts." + key, "unknown_attribute",
                                   "演示企业 " + rec.uscc + " 的属性 " + key + " 不存在",
                                   "unknown attribute " + key));
      auto st = enterprise::SetFact(rec.facts, *a, value, nullptr, "facts." + key);
      if (!st.ok()) Fail(st.error());
      touched.push_back(a->key);
    }
    if (e.contains("tags")) {
      rec.facts.tags_known = true;
      for (const auto& t : e["tags"]) {
        std::optional<int32_t> day;
        if (t.contains("acquired_on") && t["acquired_on"].is_string()) {
          auto d = core::Date::Parse(t["acquired_on"].get<std::string>(), "tags.acquired_on");
          if (!d.ok()) Fail(d.error());
          day = d->days();
        }
        rec.facts.tags[t.at("name").get<std::string>()] = day;
      }
      touched.push_back("tags");
    }
    auto r = profiles.Upsert(audit::Actor{std::nullopt, "seed-demo"}, rec, touched, "演示数据");
    if (!r.ok()) Fail(r.error());
    created += r->created;
    updated += !r->created && r->changed > 0;
  }
}

// The 空白模板 and 填写样例 the demo guides link to (/files/templates/NAME, /files/samples/NAME in
// data/demo/policies/*.json): made here from the item and material names (files/demo_documents.h)
// and published at those paths. A path already published is left as it is (an officer may have
// replaced it), so a second run adds nothing.
int SeedGuideFiles(const CommonOptions& common, store::Database& db, const core::Clock& clock,
                   const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  files::FileStoreOptions options;
  options.root = StateDir(common) / "files";
  files::FileStore store(db, clock, options);
  files::GuideFiles guide_files(db, store, clock);
  auth::Principal seeder;
  seeder.login = "seed-demo";
  seeder.kind = auth::UserKind::kPlatformAdmin;
  std::vector<fs::path> docs;
  for (const auto& e : fs::directory_iterator(dir / "policies")) {
    if (e.path().extension() == ".json") docs.push_back(e.path());
  }
  std::sort(docs.begin(), docs.end());
  int added = 0;
  for (const auto& doc : docs) {
    for (const auto& item : ReadJson(doc).value("items", json::array())) {
      const json& guide = item.contains("guide") ? item["guide"] : item;
      for (const auto& m : guide.value("materials", json::array())) {
        for (const char* key : {"template", "sample"}) {
          std::string path = m.value(key, "");
          if (!files::IsGuideFilePath(path) || guide_files.Find(path).ok()) continue;
          files::FormSpec form = files::DemoForm(item.value("name", ""), m.value("name", ""));
          bool blank = std::string(key) == "template";
          fs::path temp = store.TempPath();
          std::ofstream(temp, std::ios::binary)
              << (blank ? files::BlankFormDocx(form) : files::SamplePdf(form));
          auto published = guide_files.Publish(seeder, path, temp, blank ? "空白模板" : "填写样例");
          if (!published.ok()) Fail(published.error());
          ++added;
        }
      }
    }
  }
  return added;
}

}  // namespace

void AddSeedCommands(CLI::App& cli, CommonOptions& common) {
  auto* seed = cli.add_subcommand("seed-demo", "载入演示数据（可重复执行）load the demo data (idempotent)");
  AddCommonOptions(*seed, common);
  seed->callback([&common] {
    auto db = OpenMigratedDatabase(common);
    core::SystemClock clock;
    auto keys = LoadKeyRing(common);
    auth::AuthService svc(*db, clock, auth::AuthDeps{keys});
    std::filesystem::path dir = std::filesystem::path(common.data_dir) / "demo";
    int departments = 0, users = 0;
    try {
      SeedAccounts(svc, ReadJson(dir / "departments.json"), departments, users);
    } catch (const json::exception& e) {
      Fail(core::InvalidArgument("demo", "invalid_demo", std::string("演示数据格式错误：") + e.what(),
                                 e.what()));
    }
    std::cout << "demo data: " << departments << " departments and " << users << " accounts added (password "
              << kDemoPassword << ")\n";
    // Which department owns each data source: corrections of its attributes go there.
    const json owners = ReadJson(dir / "departments.json").value("data_sources", json::object());
    for (const auto& [source, code] : owners.items()) {
      auto st = enterprise::SetDataSourceOwner(*db, clock, {std::nullopt, "seed-demo"}, source,
                                               code.get<std::string>());
      if (!st.ok()) Fail(st.error());
    }

    auto cal = LoadCalendar(common, db.get());
    policy::PolicyService policies(*db, clock, cal);
    auto report = policy::SeedDemo(policies, dir);
    if (!report.ok()) Fail(report.error());
    for (const auto& w : report->warnings) std::cerr << "注意：" << w << "\n";
    std::cout << "demo policies: " << report->policies_added << " added, " << report->policies_existing
              << " already there; items: " << report->items_added << " added, " << report->items_existing
              << " already there; " << report->tags_added << " tags, " << report->links_added << " links\n";
    UpdateSearchAfterSeed(common, *db, policies);

    if (std::filesystem::exists(dir / "enterprises.json")) {
      enterprise::ProfileService profiles(*db, clock, rules::BuiltinSchemaRef(), nullptr);
      int created = 0, updated = 0;
      try {
        SeedEnterprises(profiles, ReadJson(dir / "enterprises.json"), created, updated);
      } catch (const json::exception& e) {
        Fail(core::InvalidArgument("demo", "invalid_demo", std::string("演示企业档案格式错误：") + e.what(),
                                   e.what()));
      }
      std::cout << "demo enterprises: " << created << " added, " << updated << " updated\n";
    }
    int guide_files = SeedGuideFiles(common, *db, clock, dir);
    std::cout << "demo guide files (空白模板, 填写样例): " << guide_files << " added\n";
    SeedWorkflowDemo(common, *db, keys);
  });
}

}  // namespace huiqi::app
