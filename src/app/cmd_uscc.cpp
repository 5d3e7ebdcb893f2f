// huiqi uscc check — validate a 统一社会信用代码.

#include <iostream>

#include "app/commands.h"
#include "core/uscc.h"

namespace huiqi::app {

void AddUsccCommands(CLI::App& cli, CommonOptions& common) {
  auto code = std::make_shared<std::string>();
  auto* uscc = cli.add_subcommand("uscc", "统一社会信用代码 unified social credit code");
  uscc->require_subcommand(1);
  auto* check = uscc->add_subcommand("check", "校验代码：有效打印 valid，否则打印原因并以 1 退出");
  AddCommonOptions(*check, common);
  check->add_option("code", *code, "18 位代码 the 18-character code")->required();
  check->callback([code] {
    auto st = core::ValidateUscc(*code);
    if (st.ok()) {
      std::cout << "valid\n";
      return;
    }
    std::cout << st.error().message << "\n" << st.error().message_en << "\n";
    throw ExitCode{1};
  });
}

}  // namespace huiqi::app
