// huiqi user add — allocate an account from the command line (the platform office's first
// admin, department accounts: 江阴办法 第十五条).

#include <cstdlib>
#include <iostream>

#include "app/commands.h"
#include "app/context.h"
#include "auth/auth_service.h"

namespace huiqi::app {

namespace {

struct UserArgs {
  std::string kind, login, name, password, department, roles, uscc, phone;
};

std::vector<auth::Role> ParseRoles(const std::string& text) {
  std::vector<auth::Role> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    auto r =
        auth::ParseRole(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!r.ok()) Fail(r.error());
    out.push_back(*r);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

void AddUserCommands(CLI::App& cli, CommonOptions& common) {
  auto a = std::make_shared<UserArgs>();
  auto* user = cli.add_subcommand("user", "账号管理 accounts");
  user->require_subcommand(1);
  auto* add = user->add_subcommand("add", "新建账号 create an account");
  AddCommonOptions(*add, common);
  add->add_option("--kind", a->kind, "platform_admin | department_staff | finance | enterprise | individual")
      ->required();
  add->add_option("--login", a->login, "登录名")->required();
  add->add_option("--name", a->name, "显示名称")->required();
  add->add_option("--password", a->password, "密码（也可用环境变量 HUIQI_PASSWORD）")
      ->envname("HUIQI_PASSWORD");
  add->add_option("--department", a->department, "部门代码（部门工作人员）");
  add->add_option("--roles", a->roles, "角色，逗号分隔：policy_officer,reviewer,department_admin");
  add->add_option("--uscc", a->uscc, "统一社会信用代码（企业用户）");
  add->add_option("--phone", a->phone, "联系电话");
  add->callback([&common, a] {
    auto kind = auth::ParseUserKind(a->kind, "kind");
    if (!kind.ok()) Fail(kind.error());
    if (a->password.empty()) {
      Fail(core::InvalidArgument("password", "required", "请用 --password 或 HUIQI_PASSWORD 提供密码",
                                 "give --password or HUIQI_PASSWORD"));
    }
    auto db = OpenMigratedDatabase(common);
    core::SystemClock clock;
    auto keys = LoadKeyRing(common);
    auth::AuthService svc(*db, clock, auth::AuthDeps{keys});
    auth::NewUser u{*kind,   a->login, a->name, a->password, a->department, ParseRoles(a->roles),
                    a->uscc, a->phone};
    auto created = svc.CreateUser(nullptr, u);
    if (!created.ok()) Fail(created.error());
    std::cout << "created user " << created->id << " " << created->login << " ("
              << auth::UserKindLabel(created->kind) << ")\n";
  });
}

}  // namespace huiqi::app
