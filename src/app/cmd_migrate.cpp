// huiqi migrate — apply pending schema migrations.

#include <iostream>

#include "app/commands.h"
#include "app/context.h"
#include "store/migrations.h"

namespace huiqi::app {

void AddMigrateCommand(CLI::App& cli, CommonOptions& common) {
  auto* migrate = cli.add_subcommand("migrate", "升级数据库结构 apply pending migrations");
  AddCommonOptions(*migrate, common);
  migrate->callback([&common] {
    auto db = store::Database::Open(common.db_url);
    if (!db.ok()) Fail(db.error());
    auto before = store::CurrentVersion(**db);
    if (!before.ok()) Fail(before.error());
    auto after = store::Migrate(**db);
    if (!after.ok()) Fail(after.error());
    std::cout << (*db)->DisplayUrl() << ": migration level " << *before << " -> " << *after << "\n";
  });
}

}  // namespace huiqi::app
