// huiqi audit verify — check the audit log's hash chain.

#include <iostream>

#include "app/commands.h"
#include "app/context.h"
#include "audit/audit_log.h"

namespace huiqi::app {

void AddAuditCommands(CLI::App& cli, CommonOptions& common) {
  auto* audit_cmd = cli.add_subcommand("audit", "审计日志 audit log");
  audit_cmd->require_subcommand(1);
  auto* verify = audit_cmd->add_subcommand("verify", "校验审计链 verify the hash chain (exit 1 when broken)");
  AddCommonOptions(*verify, common);
  verify->callback([&common] {
    auto db = OpenMigratedDatabase(common);
    auto keys = LoadKeyRing(common);
    audit::Checkpoint checkpoint(CheckpointPath(common), keys);
    auto rep = audit::Verify(*db, &checkpoint);
    if (!rep.ok()) Fail(rep.error());
    if (rep->ok) {
      std::cout << "ok: " << rep->checked << " 条审计记录，哈希链完整 (chain intact)";
      auto head = checkpoint.Read();
      if (head.ok() && *head)
        std::cout << "; 检查点第 " << (*head)->last_id << " 条 (" << (*head)->at << ") 一致";
      std::cout << "\n";
      return;
    }
    std::cout << "broken at " << rep->first_bad_id << ": " << rep->problem << "\n";
    throw ExitCode{1};
  });
}

}  // namespace huiqi::app
