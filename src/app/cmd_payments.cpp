// huiqi payments check — reconcile batches, their entries and the budgets (docs/payments.md).

#include <iostream>

#include "app/commands.h"
#include "app/context.h"
#include "payments/payments_service.h"

namespace huiqi::app {

void AddPaymentsCommands(CLI::App& cli, CommonOptions& common) {
  auto* cmd = cli.add_subcommand("payments", "兑付 payments");
  cmd->require_subcommand(1);
  auto* check = cmd->add_subcommand(
      "check", "对账：批次合计 = 明细之和 = 预算占用与已付 reconcile (exit 1 on a difference)");
  AddCommonOptions(*check, common);
  check->callback([&common] {
    auto db = OpenMigratedDatabase(common);
    auto r = payments::Reconcile(*db);
    if (!r.ok()) Fail(r.error());
    if (r->ok) {
      std::cout << "ok: " << r->batches << " 个支付批次、" << r->entries << " 笔明细、" << r->budgets
                << " 项预算，账实相符\n";
      return;
    }
    for (const auto& p : r->problems) std::cout << "不符: " << p << "\n";
    throw ExitCode{1};
  });
}

}  // namespace huiqi::app
