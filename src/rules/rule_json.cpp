#include "rules/rule_json.h"

#include <nlohmann/json.hpp>

namespace huiqi::rules {

using nlohmann::json;

namespace {

core::Error Bad(const std::string& path, const std::string& what) {
  return core::InvalidArgument(path, "rule_json", "规则结构错误（" + path + "）：" + what,
                               "bad rule JSON at " + path + ": " + what);
}

core::Result<CmpOp> OpOf(const std::string& op) {
  for (CmpOp c : {CmpOp::kEq, CmpOp::kNe, CmpOp::kLt, CmpOp::kLe, CmpOp::kGt, CmpOp::kGe}) {
    if (op == CmpSymbol(c)) return c;
  }
  return Bad("op", "未知运算符 " + op);
}

core::Result<Node> From(const json& j, const Schema& schema, const std::string& path, int depth) {
  // An AST from the parser is at most about two levels per nesting level deep; stored JSON
  // from elsewhere is held to the same bound before anything recurses over it.
  if (depth > 2 * kMaxRuleDepth + 2) return Bad(path, "嵌套过深");
  if (!j.is_object() || !j.contains("op") || !j["op"].is_string()) return Bad(path, "缺少 op");
  std::string op = j["op"];
  Node n;
  if (op == "and" || op == "or") {
    n.kind = op == "and" ? NodeKind::kAnd : NodeKind::kOr;
    if (!j.contains("args") || !j["args"].is_array() || j["args"].size() < 2)
      return Bad(path + ".args", "至少两个条件");
    for (size_t i = 0; i < j["args"].size(); ++i) {
      HQ_ASSIGN_OR_RETURN(Node c,
                          From(j["args"][i], schema, path + ".args[" + std::to_string(i) + "]", depth + 1));
      if (c.kind != n.kind) {
        n.children.push_back(std::move(c));
      } else {  // a nested group of the same connective joins its parent, as in the parser
        for (Node& g : c.children) n.children.push_back(std::move(g));
      }
    }
    return n;
  }
  if (op == "not") {
    n.kind = NodeKind::kNot;
    if (!j.contains("arg")) return Bad(path + ".arg", "缺少条件");
    HQ_ASSIGN_OR_RETURN(Node c, From(j["arg"], schema, path + ".arg", depth + 1));
    n.children.push_back(std::move(c));
    return n;
  }
  if (op == "has") {
    n.kind = NodeKind::kHas;
    n.attr = "tags";
    if (!j.contains("tag") || !j["tag"].is_string()) return Bad(path + ".tag", "缺少标签");
    n.text = j["tag"];
    n.within_years = j.value("within_years", 0);
    return n;
  }
  if (op == "reviewed") {
    n.kind = NodeKind::kReviewed;
    if (!j.contains("condition") || !j["condition"].is_string() || j["condition"].get<std::string>().empty())
      return Bad(path + ".condition", "缺少审核事项");
    n.text = j["condition"];
    n.evidence = j.value("evidence", "");
    return n;
  }
  if (op == "universal") {
    n.kind = NodeKind::kUniversal;
    return n;
  }
  if (!j.contains("attr") || !j["attr"].is_string()) return Bad(path + ".attr", "缺少属性");
  const AttributeDef* a = schema.Find(j["attr"].get<std::string>());
  if (!a) return Bad(path + ".attr", "未知属性 " + j["attr"].get<std::string>());
  n.attr = a->key;
  auto number = [&](const char* key) -> core::Result<int64_t> {
    if (!j.contains(key) || !j[key].is_number_integer()) return Bad(path + "." + key, "应为整数");
    return j[key].get<int64_t>();
  };
  if (op == "under") {
    n.kind = NodeKind::kUnder;
    if (!j.contains("code") || !j["code"].is_string()) return Bad(path + ".code", "缺少代码");
    n.text = j["code"];
    return n;
  }
  if (op == "in") {
    n.kind = NodeKind::kIn;
    if (j.contains("texts")) {
      n.is_text = true;
      n.texts = j["texts"].get<std::vector<std::string>>();
    } else if (j.contains("values")) {
      n.numbers = j["values"].get<std::vector<int64_t>>();
    } else {
      return Bad(path, "in 需要 texts 或 values");
    }
    return n;
  }
  if (op == "between") {
    n.kind = NodeKind::kBetween;
    HQ_ASSIGN_OR_RETURN(n.number, number("low"));
    HQ_ASSIGN_OR_RETURN(n.number2, number("high"));
    return n;
  }
  n.kind = NodeKind::kCompare;
  HQ_ASSIGN_OR_RETURN(n.cmp, OpOf(op));
  if (j.contains("text")) {
    n.is_text = true;
    n.text = j["text"];
  } else {
    HQ_ASSIGN_OR_RETURN(n.number, number("value"));
  }
  return n;
}

}  // namespace

json RuleToJson(const Node& n) {
  switch (n.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      json args = json::array();
      for (const auto& c : n.children) args.push_back(RuleToJson(c));
      return {{"op", n.kind == NodeKind::kAnd ? "and" : "or"}, {"args", args}};
    }
    case NodeKind::kNot:
      return {{"op", "not"}, {"arg", RuleToJson(n.children.at(0))}};
    case NodeKind::kCompare:
      if (n.is_text) return {{"op", CmpSymbol(n.cmp)}, {"attr", n.attr}, {"text", n.text}};
      return {{"op", CmpSymbol(n.cmp)}, {"attr", n.attr}, {"value", n.number}};
    case NodeKind::kUnder:
      return {{"op", "under"}, {"attr", n.attr}, {"code", n.text}};
    case NodeKind::kIn:
      if (n.is_text) return {{"op", "in"}, {"attr", n.attr}, {"texts", n.texts}};
      return {{"op", "in"}, {"attr", n.attr}, {"values", n.numbers}};
    case NodeKind::kBetween:
      return {{"op", "between"}, {"attr", n.attr}, {"low", n.number}, {"high", n.number2}};
    case NodeKind::kHas: {
      json j = {{"op", "has"}, {"tag", n.text}};
      if (n.within_years > 0) j["within_years"] = n.within_years;
      return j;
    }
    case NodeKind::kReviewed: {
      json j = {{"op", "reviewed"}, {"condition", n.text}};
      if (!n.evidence.empty()) j["evidence"] = n.evidence;
      return j;
    }
    case NodeKind::kUniversal:
      return {{"op", "universal"}};
  }
  return nullptr;
}

core::Result<Node> RuleFromJson(const json& j, const Schema& schema) {
  auto read = [&]() -> core::Result<Node> {
    try {
      return From(j, schema, "rule", 0);
    } catch (const json::exception&) {
      return Bad("rule", "结构不符合规则格式");
    }
  };
  HQ_ASSIGN_OR_RETURN(Node n, read());
  // The shape check above knows nothing of types ({"op": "=", "attr": "dishonest", "value": 2}
  // was read, printed as "dishonest = true" and never held: found by tests/fuzz json_body). The
  // parser's checks (types, units, enum values) apply to stored JSON too: its canonical text must
  // parse back to the same rule.
  std::string text = Print(n, schema);
  auto checked = Parse(text, schema);
  if (!checked.ok() || !(*checked == n)) return Bad("rule", "与规则语言不符：" + text);
  return n;
}

}  // namespace huiqi::rules
