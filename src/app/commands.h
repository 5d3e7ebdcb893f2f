#pragma once
// Each group of subcommands registers itself on the CLI; main.cpp only assembles them.

#include <CLI/CLI.hpp>

#include "app/config.h"
#include "secrets/keys.h"
#include "store/database.h"

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

}  // namespace huiqi::app
