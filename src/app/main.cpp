// huiqi: the server and command line of the 惠企 policy platform.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "app/commands.h"

int main(int argc, char** argv) {
  using namespace huiqi::app;
  // Logs go to stderr so that stdout carries only what a command prints as its answer.
  spdlog::set_default_logger(spdlog::stderr_color_mt("huiqi"));
  CLI::App cli{"huiqi — 惠企政策直达平台：服务端与命令行 (business-support policy platform)"};
  cli.set_version_flag("--version", std::string(HUIQI_VERSION));
  cli.require_subcommand(1);
  CommonOptions common;
  ApplyEnvironment(common);
  AddServeCommand(cli, common);
  AddMigrateCommand(cli, common);
  AddUserCommands(cli, common);
  AddAuditCommands(cli, common);
  AddCalendarCommands(cli, common);
  AddUsccCommands(cli, common);
  AddSeedCommands(cli, common);
  AddRuleCommands(cli, common);
  AddEnterpriseCommands(cli, common);
  AddSealCommands(cli, common);
  AddPaymentsCommands(cli, common);
  AddAttributeCommands(cli, common);
  AddSearchCommands(cli, common);
  AddBackupCommands(cli, common);
  AddKeysCommands(cli, common);
  AddConfigCommands(cli);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  } catch (const ExitCode& e) {
    return e.code;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 2;
  }
  return 0;
}
