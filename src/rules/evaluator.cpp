#include "rules/evaluator.h"

#include <algorithm>
#include <chrono>

namespace huiqi::rules {

namespace {

Truth Not(Truth t) { return t == Truth::kUnknown ? t : (t == Truth::kTrue ? Truth::kFalse : Truth::kTrue); }
Truth FromBool(bool b) { return b ? Truth::kTrue : Truth::kFalse; }

bool Compare(int64_t a, CmpOp op, int64_t b) {
  switch (op) {
    case CmpOp::kEq:
      return a == b;
    case CmpOp::kNe:
      return a != b;
    case CmpOp::kLt:
      return a < b;
    case CmpOp::kLe:
      return a <= b;
    case CmpOp::kGt:
      return a > b;
    case CmpOp::kGe:
      return a >= b;
  }
  return false;
}

// A numeric attribute's value; `age` is derived from established_on as of `today`.
std::optional<int64_t> NumberOf(const std::string& attr, const Facts& f, core::Date today) {
  if (attr == "age") {
    auto est = f.numbers.find("established_on");
    if (est == f.numbers.end()) return std::nullopt;
    return AgeInYears(core::Date::FromDays(static_cast<int32_t>(est->second)), today);
  }
  auto it = f.numbers.find(attr);
  if (it == f.numbers.end()) return std::nullopt;
  return it->second;
}

Truth LeafTruth(const Node& n, const Facts& f, core::Date today) {
  switch (n.kind) {
    case NodeKind::kHas: {
      if (!f.tags_known) return Truth::kUnknown;
      auto it = f.tags.find(n.text);
      if (it == f.tags.end()) return Truth::kFalse;
      if (n.within_years == 0) return Truth::kTrue;
      if (!it->second) return Truth::kUnknown;
      return FromBool(*it->second >= YearsBefore(today, n.within_years).days());
    }
    case NodeKind::kUnder: {
      auto it = f.texts.find(n.attr);
      if (it == f.texts.end()) return Truth::kUnknown;
      return FromBool(CodeUnder(n.attr == "industry" ? "industry" : "region", it->second, n.text));
    }
    case NodeKind::kCompare:
    case NodeKind::kIn:
    case NodeKind::kBetween: {
      if (n.is_text) {
        auto it = f.texts.find(n.attr);
        if (it == f.texts.end()) return Truth::kUnknown;
        if (n.kind == NodeKind::kIn) {
          return FromBool(std::find(n.texts.begin(), n.texts.end(), it->second) != n.texts.end());
        }
        bool eq = it->second == n.text;
        return FromBool(n.cmp == CmpOp::kNe ? !eq : eq);
      }
      auto value = NumberOf(n.attr, f, today);
      if (!value) return Truth::kUnknown;
      int64_t v = *value;
      if (n.kind == NodeKind::kIn)
        return FromBool(std::find(n.numbers.begin(), n.numbers.end(), v) != n.numbers.end());
      if (n.kind == NodeKind::kBetween) return FromBool(v >= n.number && v <= n.number2);
      return FromBool(Compare(v, n.cmp, n.number));
    }
    case NodeKind::kUniversal:
      return Truth::kTrue;
    default:  // kReviewed: no data decides it
      return Truth::kUnknown;
  }
}

std::string ActualText(const Node& leaf, const Schema& schema, const Facts& f, core::Date today,
                       const CodeNamer& namer) {
  const Node& n = leaf.kind == NodeKind::kNot ? leaf.children[0] : leaf;
  if (n.kind == NodeKind::kReviewed) return std::string(kReviewPending);
  if (n.kind == NodeKind::kUniversal) return "";
  if (n.kind == NodeKind::kHas) {
    if (!f.tags_known) return "未提供";
    auto it = f.tags.find(n.text);
    if (it == f.tags.end()) return "无";
    return it->second ? "已取得（" + core::Date::FromDays(*it->second).ToString() + "）"
                      : "已取得（日期未知）";
  }
  const AttributeDef* a = schema.Find(n.attr);
  if (a == nullptr) return "";
  if (auto it = f.texts.find(n.attr); it != f.texts.end()) {
    std::string name = namer ? namer(a->code_table, it->second) : "";
    return name.empty() ? it->second : name + "（" + it->second + "）";
  }
  if (auto v = NumberOf(n.attr, f, today); v) return HumanValue(*a, *v);
  return "未提供";
}

}  // namespace

int AgeInYears(core::Date established, core::Date today) {
  int years = today.year() - established.year();
  if (today.month() < established.month() ||
      (today.month() == established.month() && today.day() < established.day())) {
    --years;
  }
  return years;
}

namespace {

Node EstablishedLe(core::Date d) {
  Node n{NodeKind::kCompare};
  n.attr = "established_on";
  n.cmp = CmpOp::kLe;
  n.number = d.days();
  return n;
}

// age >= k  ⇔  established_on <= YearsBefore(today, k)   (k >= 0: the parser takes no negatives)
Node AgeAtLeast(int64_t k, core::Date today) {
  return EstablishedLe(YearsBefore(today, static_cast<int>(std::clamp<int64_t>(k, 0, 500))));
}

Node NotOf(Node n) {
  Node out{NodeKind::kNot};
  out.children.push_back(std::move(n));
  return out;
}

Node AllOf(std::vector<Node> children, NodeKind kind) {
  Node out{kind};
  out.children = std::move(children);
  return out;
}

Node ExpandAge(const Node& n, core::Date today) {
  auto eq = [&](int64_t k) {
    return AllOf({AgeAtLeast(k, today), NotOf(AgeAtLeast(k + 1, today))}, NodeKind::kAnd);
  };
  switch (n.kind) {
    case NodeKind::kBetween:
      return AllOf({AgeAtLeast(n.number, today), NotOf(AgeAtLeast(n.number2 + 1, today))}, NodeKind::kAnd);
    case NodeKind::kIn: {
      std::vector<Node> parts;
      for (int64_t k : n.numbers) parts.push_back(eq(k));
      return AllOf(std::move(parts), NodeKind::kOr);
    }
    default:
      switch (n.cmp) {
        case CmpOp::kGe:
          return AgeAtLeast(n.number, today);
        case CmpOp::kGt:
          return AgeAtLeast(n.number + 1, today);
        case CmpOp::kLe:
          return NotOf(AgeAtLeast(n.number + 1, today));
        case CmpOp::kLt:
          return NotOf(AgeAtLeast(n.number, today));
        case CmpOp::kEq:
          return eq(n.number);
        case CmpOp::kNe:
          return NotOf(eq(n.number));
      }
  }
  return n;
}

}  // namespace

Node ExpandDerived(const Node& rule, core::Date today) {
  if (rule.attr == "age" && rule.IsLeaf()) return ExpandAge(rule, today);
  Node out = rule;
  for (auto& c : out.children) c = ExpandDerived(c, today);
  return out;
}

core::Date YearsBefore(core::Date today, int years) {
  int y = today.year() - years;
  unsigned m = today.month(), d = today.day();
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) d = 28;
  return core::Date::FromYmd(y, m, d);
}

std::string_view TruthCode(Truth t) {
  return t == Truth::kTrue ? "pass" : t == Truth::kFalse ? "fail" : "unknown";
}
std::string_view TruthLabel(Truth t) {
  return t == Truth::kTrue ? "满足" : t == Truth::kFalse ? "不满足" : "待补充";
}

bool CodeUnder(std::string_view table, std::string_view code, std::string_view prefix) {
  if (table == "industry" && !prefix.empty() && std::isalpha(static_cast<unsigned char>(prefix[0]))) {
    return !code.empty() && code[0] == prefix[0];
  }
  if (table == "industry" && !code.empty() && std::isalpha(static_cast<unsigned char>(code[0])))
    code.remove_prefix(1);
  return code.substr(0, prefix.size()) == prefix;
}

Truth EvaluateLeaf(const Node& leaf, const Facts& facts, core::Date today) {
  if (leaf.kind == NodeKind::kNot) return Not(EvaluateLeaf(leaf.children[0], facts, today));
  return LeafTruth(leaf, facts, today);
}

Truth EvaluateRule(const Node& n, const Facts& facts, core::Date today) {
  switch (n.kind) {
    case NodeKind::kAnd: {
      Truth out = Truth::kTrue;
      for (const auto& c : n.children) {
        Truth t = EvaluateRule(c, facts, today);
        if (t == Truth::kFalse) return Truth::kFalse;
        if (t == Truth::kUnknown) out = Truth::kUnknown;
      }
      return out;
    }
    case NodeKind::kOr: {
      Truth out = Truth::kFalse;
      for (const auto& c : n.children) {
        Truth t = EvaluateRule(c, facts, today);
        if (t == Truth::kTrue) return Truth::kTrue;
        if (t == Truth::kUnknown) out = Truth::kUnknown;
      }
      return out;
    }
    case NodeKind::kNot:
      return Not(EvaluateRule(n.children[0], facts, today));
    default:
      return LeafTruth(n, facts, today);
  }
}

Evaluation Explain(const Node& rule, const Schema& schema, const Facts& facts, core::Date today,
                   const CodeNamer& namer) {
  Evaluation ev;
  ev.verdict = EvaluateRule(rule, facts, today);
  for (const Node* leaf : Leaves(rule)) {
    ConditionTrace t;
    t.node = leaf;
    t.description = Describe(*leaf, schema, namer);
    t.canonical = Print(*leaf, schema);
    t.actual = ActualText(*leaf, schema, facts, today, namer);
    t.attr = leaf->kind == NodeKind::kNot ? leaf->children[0].attr : leaf->attr;
    t.outcome = EvaluateLeaf(*leaf, facts, today);
    if (t.outcome == Truth::kFalse) ++ev.failed;
    if (t.outcome == Truth::kUnknown) ++ev.unknown;
    ev.conditions.push_back(std::move(t));
  }
  return ev;
}

}  // namespace huiqi::rules
