#pragma once
// Each group of subcommands registers itself on the CLI; main.cpp only assembles them.

#include <CLI/CLI.hpp>
#include <memory>

#include "app/config.h"
#include "secrets/keys.h"
#include "store/database.h"

namespace huiqi::schedule {
class Scheduler;
}

namespace huiqi::app {

//! Thrown by a command to end with an exit code after printing its own message.
struct ExitCode {
  int code;
};

void AddCommonOptions(CLI::App& sub, CommonOptions& common);
//! Defaults from HUIQI_DB and HUIQI_DATA_DIR; flags given on the command line still win.
void ApplyEnvironment(CommonOptions& common);

void AddServeCommand(CLI::App& cli, CommonOptions& common);
void AddMigrateCommand(CLI::App& cli, CommonOptions& common);
void AddUserCommands(CLI::App& cli, CommonOptions& common);
void AddAuditCommands(CLI::App& cli, CommonOptions& common);
void AddCalendarCommands(CLI::App& cli, CommonOptions& common);
void AddUsccCommands(CLI::App& cli, CommonOptions& common);
void AddSeedCommands(CLI::App& cli, CommonOptions& common);
void AddConfigCommands(CLI::App& cli);
//! seed-demo's second half (seed_workflow.cpp): seals, and applications in every state.
void SeedWorkflowDemo(const CommonOptions& common, store::Database& db, const secrets::KeyRing& keys);
void AddRuleCommands(CLI::App& cli, CommonOptions& common);
void AddEnterpriseCommands(CLI::App& cli, CommonOptions& common);
void AddSealCommands(CLI::App& cli, CommonOptions& common);
void AddPaymentsCommands(CLI::App& cli, CommonOptions& common);
void AddAttributeCommands(CLI::App& cli, CommonOptions& common);
void AddMatchEnterpriseCommand(CLI::App& match_cmd, CommonOptions& common);
//! After AddRuleCommands: adds `gen policies` to its `gen`.
void AddSearchCommands(CLI::App& cli, CommonOptions& common);
//! `huiqi backup` and `huiqi restore` (cmd_backup.cpp; docs/reliability.md "Backup and restore").
void AddBackupCommands(CLI::App& cli, CommonOptions& common);
//! `huiqi keys rotate` and `huiqi keys status` (cmd_keys.cpp; docs/reliability.md "Secrets at rest").
void AddKeysCommands(CLI::App& cli, CommonOptions& common);

//! The scheduled backups of `huiqi serve` ([backup] in the config file). Destroying it waits for a
//! backup in progress; later ticks do nothing.
class ScheduledBackups {
 public:
  struct State;
  explicit ScheduledBackups(std::shared_ptr<State> state);
  ~ScheduledBackups();
  ScheduledBackups(const ScheduledBackups&) = delete;
  ScheduledBackups& operator=(const ScheduledBackups&) = delete;

 private:
  std::shared_ptr<State> state_;
};
//! Registers the "backup" tick on `scheduler` (before its Start): every minute it checks whether
//! the newest backup in options.backup_dir is backup_every_hours old, and if so writes one on a
//! thread of its own and keeps the newest backup_keep. nullptr when backup_dir is empty.
std::unique_ptr<ScheduledBackups> ScheduleBackups(schedule::Scheduler& scheduler, const CommonOptions& common,
                                                  const ServeOptions& options, store::Database& db);

}  // namespace huiqi::app
