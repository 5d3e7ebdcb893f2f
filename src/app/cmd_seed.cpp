// huiqi seed-demo — demo departments, accounts (and, as the modules arrive, content) from
// data/demo. Idempotent: what exists already is left alone.

#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/context.h"
#include "auth/auth_service.h"

namespace huiqi::app {

namespace {

using nlohmann::json;

constexpr const char* kDemoPassword = "Demo@2026";

json ReadJson(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) Fail(core::NotFound("演示数据文件 " + p.string(), "demo file " + p.string()));
  auto j = json::parse(in, nullptr, false);
  if (j.is_discarded()) {
    Fail(core::InvalidArgument("demo", "invalid_json", "演示数据文件不是合法 JSON：" + p.string(), "bad JSON: " + p.string()));
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
      auto created = svc.CreateDepartment(nullptr, {0, d.at("code"), d.at("name"), *level, parent, d.value("phone", "")});
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
    users += EnsureUser(svc, u);
  }
  for (const auto& i : doc.value("individuals", json::array())) {
    users += EnsureUser(svc, {auth::UserKind::kIndividual, i.at("login"), i.at("name"), kDemoPassword});
  }
}

}  // namespace

void AddSeedCommands(CLI::App& cli, CommonOptions& common) {
  auto* seed = cli.add_subcommand("seed-demo", "载入演示数据（可重复执行）load the demo data (idempotent)");
  AddCommonOptions(*seed, common);
  seed->callback([&common] {
    auto db = OpenMigratedDatabase(common);
    core::SystemClock clock;
    auth::AuthService svc(*db, clock);
    std::filesystem::path dir = std::filesystem::path(common.data_dir) / "demo";
    int departments = 0, users = 0;
    try {
      SeedAccounts(svc, ReadJson(dir / "departments.json"), departments, users);
    } catch (const json::exception& e) {
      Fail(core::InvalidArgument("demo", "invalid_demo", std::string("演示数据格式错误：") + e.what(), e.what()));
    }
    std::cout << "demo data: " << departments << " departments and " << users << " accounts added (password "
              << kDemoPassword << ")\n";
  });
}

}  // namespace huiqi::app
