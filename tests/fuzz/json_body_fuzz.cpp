// JSON bodies as the server reads them (http::Request::JsonBody), then the domain readers a write
// endpoint hands them to that need no database: a policy (PolicyInputFromJson), an item with its
// rule and amount (ItemInputFromJson, rules::RuleFromJson, rules::ParseAmount) and archive values
// (enterprise::SetFact). Invariants: every one returns a Result, no exception escapes; a body
// JsonBody accepts is an object no deeper than kMaxJsonDepth; a rule read from JSON writes back to
// JSON and to text that read back to the same AST; an amount read from JSON can be described and
// estimated.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "enterprise/profile.h"
#include "fuzz_check.h"
#include "http/message.h"
#include "policy/policy_json.h"
#include "rules/amount.h"
#include "rules/rule.h"
#include "rules/rule_json.h"

using namespace huiqi;
using nlohmann::json;

namespace {

void CheckRule(const json& j, const rules::Schema& schema) {
  auto rule = rules::RuleFromJson(j, schema);
  if (!rule.ok()) return;
  json written = rules::RuleToJson(*rule);
  auto back = rules::RuleFromJson(written, schema);
  FUZZ_CHECK(back.ok() && *back == *rule, written.dump());
  std::string text = rules::Print(*rule, schema);
  auto parsed = rules::Parse(text, schema);
  FUZZ_CHECK(parsed.ok(), text + ": " + parsed.error().message_en);
  FUZZ_CHECK(*parsed == *rule, written.dump() + " → " + text);
}

void CheckAmount(const json& j, const rules::Schema& schema) {
  auto amount = rules::ParseAmount(j, schema);
  if (!amount.ok()) return;
  (void)rules::DescribeAmount(*amount, schema);
  rules::Facts facts;
  facts.numbers["rd_expense"] = 485'0000'00;
  facts.numbers["revenue"] = 2'0000'0000'00;
  auto estimate = rules::EstimateAmount(*amount, schema, facts, core::Date::FromYmd(2026, 6, 1));
  FUZZ_CHECK(!estimate.fen || *estimate.fen >= 0, j.dump());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const rules::Schema& schema = rules::BuiltinSchemaRef();
  http::Request req;
  req.method = "POST";
  req.headers["content-type"] = "application/json; charset=utf-8";
  req.body.assign(reinterpret_cast<const char*>(data), size);
  auto body = req.JsonBody();
  if (!body.ok()) {
    FUZZ_CHECK(body.error().field == "body", body.error().code);
    return 0;
  }
  const json& j = *body;
  FUZZ_CHECK(j.is_object(), req.body);
  FUZZ_CHECK(http::JsonNestingDepth(req.body) <= http::kMaxJsonDepth, req.body);

  (void)policy::PolicyInputFromJson(j);
  (void)policy::ItemInputFromJson(j);
  CheckRule(j, schema);
  if (auto it = j.find("rule"); it != j.end()) CheckRule(*it, schema);
  CheckAmount(j, schema);
  if (auto it = j.find("amount"); it != j.end()) CheckAmount(*it, schema);
  if (auto it = j.find("amount_json"); it != j.end() && it->is_string())
    (void)rules::ParseAmountText(it->get<std::string>(), schema);
  // An archive correction or a profile form: {"revenue": "2000万元", "tags": "…", …}.
  for (const auto& [key, value] : j.items()) {
    const rules::AttributeDef* attr = schema.Find(key);
    if (!attr) continue;
    rules::Facts facts;
    (void)enterprise::SetFact(facts, *attr, value, nullptr, key);
  }
  return 0;
}
