// huiqi config defaults | check FILE — the configuration file of `huiqi serve --config`.

#include <iostream>

#include "app/commands.h"
#include "app/config_file.h"
#include "app/context.h"

namespace huiqi::app {

void AddConfigCommands(CLI::App& cli) {
  auto* config = cli.add_subcommand("config", "配置文件 the configuration file of huiqi serve --config");
  config->require_subcommand(1);
  config->add_subcommand("defaults", "列出全部配置项及默认值（TOML） print every key with its default")
      ->callback([] { std::cout << DefaultConfigText(); });
  auto* check =
      config->add_subcommand("check", "检查配置文件（有误时退出码 1） validate a configuration file");
  auto path = std::make_shared<std::string>();
  check->add_option("file", *path, "huiqi.toml")->required();
  check->callback([path] {
    ServeConfig config;
    if (auto st = LoadConfigFile(*path, config); !st.ok()) Fail(st.error());
    std::cout << "ok: " << *path << " (database " << config.common.db_url << ", listen "
              << config.serve.listen << ")\n";
  });
}

}  // namespace huiqi::app
