#include "rules/amount.h"

#include <nlohmann/json.hpp>

#include "core/money.h"

namespace huiqi::rules {

using nlohmann::json;

namespace {

core::Error Bad(const std::string& field, std::string zh, std::string en) {
  return core::InvalidArgument(field, "invalid_amount", std::move(zh), std::move(en));
}

core::Result<int64_t> MoneyField(const json& j, const char* key, const std::string& field) {
  // The exact form: "<key>_fen" (or "fen" for "value") as an integer number of fen.
  std::string fen_key = std::string(key) == "value" ? "fen" : std::string(key) + "_fen";
  if (auto f = j.find(fen_key); f != j.end() && !j.contains(key)) {
    if (!f->is_number_integer() || f->get<int64_t>() < 0) {
      return Bad(field, field + " 应为非负整数（分）", field + " must be a non-negative integer of fen");
    }
    return f->get<int64_t>();
  }
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Bad(field, field + " 缺少金额", field + " is required");
  if (it->is_number_integer()) {
    // A bare number is yuan, as officers write it.
    int64_t yuan = it->get<int64_t>();
    if (yuan < 0) return Bad(field, "金额不能为负数", "amount must not be negative");
    return yuan * 100;
  }
  if (!it->is_string())
    return Bad(field, field + " 应为金额，如 \"30万元\"", field + " must be a money string");
  auto fen = core::ParseMoney(it->get<std::string>(), field);
  if (!fen.ok()) return fen.error();
  if (*fen < 0) return Bad(field, "金额不能为负数", "amount must not be negative");
  return *fen;
}

// "10", 10, 12.5, "12.5%" → parts per million.
core::Result<int64_t> PercentField(const json& j, const std::string& field) {
  auto it = j.find("percent");
  double pct = -1;
  if (it != j.end() && it->is_number()) pct = it->get<double>();
  if (it != j.end() && it->is_string()) {
    std::string s = it->get<std::string>();
    if (!s.empty() && s.back() == '%') s.pop_back();
    try {
      size_t used = 0;
      pct = std::stod(s, &used);
      if (used != s.size()) pct = -1;
    } catch (...) {
      pct = -1;
    }
  }
  if (!(pct > 0 && pct <= 100))
    return Bad(field, "比例应为 0 到 100 之间的百分数", "percent must be in (0, 100]");
  return static_cast<int64_t>(pct * 10000 + 0.5);
}

std::string Money(int64_t fen) { return core::FormatMoneyCompact(fen); }

std::string PercentText(int64_t ppm) {
  std::string s = std::to_string(ppm / 10000);
  int64_t frac = ppm % 10000;
  if (frac) {
    std::string f = std::to_string(frac);
    f.insert(0, 4 - f.size(), '0');
    while (!f.empty() && f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return s + "%";
}

core::Result<Amount> ReadAmount(const json& j, const Schema& schema, const std::string& field) {
  std::string kind = j.value("kind", "");
  Amount a;
  if (kind == "fixed") {
    a.kind = AmountKind::kFixed;
    HQ_ASSIGN_OR_RETURN(a.fen, MoneyField(j, "value", field + ".value"));
    return a;
  }
  if (kind == "rate") {
    a.kind = AmountKind::kRate;
    a.base = j.value("base", "");
    const AttributeDef* def = schema.Find(a.base);
    if (!def || def->type != AttrType::kMoney) {
      return Bad(field + ".base", "计算基数应为金额类属性（如 rd_expense 研发费用）",
                 "base must be a money attribute");
    }
    a.base = def->key;
    HQ_ASSIGN_OR_RETURN(a.rate_ppm, PercentField(j, field + ".percent"));
    if (j.contains("cap") && !j["cap"].is_null()) {
      HQ_ASSIGN_OR_RETURN(int64_t cap, MoneyField(j, "cap", field + ".cap"));
      a.cap_fen = cap;
    }
    return a;
  }
  if (kind == "tiers") {
    a.kind = AmountKind::kTiers;
    auto it = j.find("tiers");
    if (it == j.end() || !it->is_array() || it->empty()) {
      return Bad(field + ".tiers", "分档公式至少需要一档", "tiers must be a non-empty array");
    }
    for (size_t i = 0; i < it->size(); ++i) {
      std::string f = field + ".tiers[" + std::to_string(i) + "]";
      const json& t = (*it)[i];
      if (!t.is_object() || !t.contains("when") || !t["when"].is_string()) {
        return Bad(f + ".when", "每档需要条件 when（规则语言）", "each tier needs a 'when' rule");
      }
      auto rule = Parse(t["when"].get<std::string>(), schema);
      if (!rule.ok()) {
        core::Error e = rule.error();
        e.field = f + ".when";
        return e;
      }
      HQ_ASSIGN_OR_RETURN(int64_t fen, MoneyField(t, "value", f + ".value"));
      a.tiers.push_back({std::move(*rule), fen});
    }
    return a;
  }
  return Bad(field + ".kind", "金额公式类型应为 fixed（定额）、rate（比例）或 tiers（分档）",
             "kind must be fixed, rate or tiers");
}

}  // namespace

core::Result<Amount> ParseAmount(const json& j, const Schema& schema, std::string_view field_sv) {
  std::string field(field_sv);
  if (!j.is_object()) return Bad(field, "金额公式应为对象", "amount must be an object");
  // j.value("kind", "") throws when "kind" is there but not a string ({"kind": [...]}, found by
  // tests/fuzz json_body): the promise is a Result, so the shape errors become one here.
  try {
    return ReadAmount(j, schema, field);
  } catch (const json::exception&) {
    return Bad(field, "金额公式结构错误（字段类型不符）", "amount fields have the wrong JSON types");
  }
}

core::Result<std::optional<Amount>> ParseAmountText(const std::string& text, const Schema& schema) {
  if (text.empty() || text == "null") return std::optional<Amount>();
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Bad("amount", "金额公式不是合法 JSON", "amount is not valid JSON");
  HQ_ASSIGN_OR_RETURN(Amount a, ParseAmount(j, schema));
  return std::optional<Amount>(std::move(a));
}

Estimate EstimateAmount(const Amount& a, const Schema& schema, const Facts& facts, core::Date today) {
  Estimate e;
  switch (a.kind) {
    case AmountKind::kFixed:
      e.fen = a.fen;
      e.text = "预计 " + Money(a.fen);
      e.basis = "定额";
      return e;
    case AmountKind::kRate: {
      auto it = facts.numbers.find(a.base);
      const AttributeDef* def = schema.Find(a.base);
      std::string label = def ? def->label : a.base;
      if (it == facts.numbers.end()) {
        e.missing = a.base;
        e.text = "需提供" + label + "后估算";
        return e;
      }
      // fen × ppm / 1e6 in 128-bit, rounded down to the fen.
      __int128 v = static_cast<__int128>(std::max<int64_t>(0, it->second)) * a.rate_ppm / 1000000;
      int64_t fen = static_cast<int64_t>(v);
      if (a.cap_fen && fen > *a.cap_fen) {
        fen = *a.cap_fen;
        e.capped = true;
      }
      e.fen = fen;
      e.text = "预计 " + Money(fen) + "（按" + label + "的" + PercentText(a.rate_ppm) +
               (a.cap_fen ? "，上限" + Money(*a.cap_fen) : std::string()) + "）";
      e.basis = "按比例：" + label + " " + Money(std::max<int64_t>(0, it->second)) + " × " +
                PercentText(a.rate_ppm) + (a.cap_fen ? "，上限" + Money(*a.cap_fen) : std::string()) +
                (e.capped ? "，已按上限计" : "");
      return e;
    }
    case AmountKind::kTiers:
      for (const auto& t : a.tiers) {
        Truth r = EvaluateRule(t.when, facts, today);
        if (r == Truth::kTrue) {
          e.fen = t.fen;
          e.text = "预计 " + Money(t.fen);
          std::string cond;
          for (const Node* leaf : Leaves(t.when))
            cond += (cond.empty() ? "" : "且") + Describe(*leaf, schema);
          e.basis = "按档：" + cond;
          return e;
        }
        if (r == Truth::kUnknown) {
          auto leaves = Leaves(t.when);
          for (const Node* leaf : leaves) {
            if (EvaluateLeaf(*leaf, facts, today) == Truth::kUnknown) {
              e.missing = leaf->kind == NodeKind::kHas ? "tags" : leaf->attr;
              break;
            }
          }
          const AttributeDef* def = schema.Find(e.missing);
          e.text = e.missing.empty() ? "经主管部门审核后核定"
                                     : "需提供" + (def ? def->label : e.missing) + "后估算";
          return e;
        }
      }
      e.fen = 0;
      e.text = "不在任何补助档次内";
      return e;
  }
  return e;
}

std::string DescribeAmount(const Amount& a, const Schema& schema) {
  switch (a.kind) {
    case AmountKind::kFixed:
      return "定额 " + Money(a.fen);
    case AmountKind::kRate: {
      const AttributeDef* def = schema.Find(a.base);
      return "按" + (def ? def->label : a.base) + "的" + PercentText(a.rate_ppm) + "给予补助" +
             (a.cap_fen ? "，最高" + Money(*a.cap_fen) : std::string());
    }
    case AmountKind::kTiers: {
      std::string out = "分档：";
      for (size_t i = 0; i < a.tiers.size(); ++i) {
        if (i) out += "；";
        std::string cond;
        for (const Node* leaf : Leaves(a.tiers[i].when))
          cond += (cond.empty() ? "" : "且") + Describe(*leaf, schema);
        out += cond + "的，" + Money(a.tiers[i].fen);
      }
      return out;
    }
  }
  return "";
}

}  // namespace huiqi::rules
