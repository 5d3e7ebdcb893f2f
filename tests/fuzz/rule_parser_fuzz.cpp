// The rule language (src/rules): any bytes either parse or give a rule_* error; a rule that parses
// prints to canonical text that parses back to the same AST and prints the same again, and its
// JSON form (the stored one) reads back to the same AST.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "rules/rule.h"
#include "rules/rule_json.h"

using namespace huiqi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const rules::Schema& schema = rules::BuiltinSchemaRef();
  std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = rules::Parse(text, schema);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().code.rfind("rule_", 0) == 0, parsed.error().code);
    FUZZ_CHECK(parsed.error().kind == core::ErrorKind::kInvalidArgument, text);
    return 0;
  }
  std::string printed = rules::Print(*parsed, schema);
  auto again = rules::Parse(printed, schema);
  FUZZ_CHECK(again.ok(), text + "\n  printed: " + printed + "\n  " + again.error().message);
  FUZZ_CHECK(*again == *parsed, text + "\n  printed: " + printed);
  FUZZ_CHECK(rules::Print(*again, schema) == printed, printed);

  nlohmann::json j = rules::RuleToJson(*parsed);
  auto from_json = rules::RuleFromJson(j, schema);
  FUZZ_CHECK(from_json.ok(), j.dump() + "\n  " + from_json.error().message);
  FUZZ_CHECK(*from_json == *parsed, j.dump());

  // The guide's wording must not trip over anything the parser accepts.
  for (const std::string& line : rules::DescribeLines(*parsed, schema)) FUZZ_CHECK(!line.empty(), printed);
  return 0;
}
