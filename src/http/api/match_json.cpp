#include "http/api/match_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/money.h"
#include "http/detail/json_writer.h"
#include "rules/trace.h"

namespace huiqi::http {

namespace {

using detail::JsonWriter;

// Conditions inside an "or" that another branch satisfied are marked needed: false.
std::vector<bool> NotNeededOf(const match::ItemVerdict& v) {
  std::vector<rules::Truth> outcomes;
  outcomes.reserve(v.evaluation.conditions.size());
  for (const auto& c : v.evaluation.conditions) outcomes.push_back(c.outcome);
  if (!v.item->rule) return std::vector<bool>(outcomes.size(), false);
  return rules::NotNeeded(*v.item->rule, outcomes);
}

void WriteTrace(JsonWriter& w, const rules::Evaluation& e, const std::vector<bool>& not_needed) {
  w.BeginArray();
  for (size_t i = 0; i < e.conditions.size(); ++i) {
    const auto& c = e.conditions[i];
    bool needed = i >= not_needed.size() || !not_needed[i];
    w.BeginObject();
    w.Key("actual").String(c.actual);
    w.Key("attribute").String(c.attr);
    w.Key("canonical").String(c.canonical);
    w.Key("condition").String(c.description);
    w.Key("needed").Bool(needed);
    w.Key("result").String(rules::TruthCode(c.outcome));
    w.Key("result_label").String(needed ? rules::TruthLabel(c.outcome) : "无需满足（同组其他条件已满足）");
    w.EndObject();
  }
  w.EndArray();
}

std::string LabelOf(const rules::Schema& schema, const std::string& key) {
  const rules::AttributeDef* a = schema.Find(key);
  return a ? a->label : key;
}

// What would change the verdict: each failing condition, then the data to provide.
void Advise(const match::ItemVerdict& v, const std::vector<bool>& not_needed, const rules::Schema& schema,
            std::vector<std::string>& advice, std::vector<std::string>& provide) {
  auto add_provide = [&](std::string label) {
    if (std::find(provide.begin(), provide.end(), label) == provide.end())
      provide.push_back(std::move(label));
  };
  for (size_t i = 0; i < v.evaluation.conditions.size(); ++i) {
    const auto& c = v.evaluation.conditions[i];
    if (not_needed[i]) continue;
    if (c.outcome == rules::Truth::kFalse) {
      advice.push_back("需满足“" + c.description + "”（当前：" + c.actual + "）");
    } else if (c.outcome == rules::Truth::kUnknown) {
      add_provide(LabelOf(schema, c.attr));
    }
  }
  if (!v.estimate.missing.empty()) add_provide(LabelOf(schema, v.estimate.missing));
  for (const auto& p : provide) advice.push_back("请补充“" + p + "”数据");
}

void WriteStrings(JsonWriter& w, const std::vector<std::string>& list) {
  w.BeginArray();
  for (const auto& s : list) w.String(s);
  w.EndArray();
}

void WriteVerdict(JsonWriter& w, const match::ItemVerdict& v, const policy::MatchCatalogue& catalogue,
                  const rules::Schema& schema) {
  std::vector<bool> not_needed = NotNeededOf(v);
  std::vector<std::string> advice, provide;
  Advise(v, not_needed, schema, advice, provide);
  w.BeginObject();
  w.Key("advice");
  WriteStrings(w, advice);
  w.Key("amount_fen");
  v.estimate.fen ? w.Int(*v.estimate.fen) : w.Null();
  w.Key("amount_text").String(v.estimate.text);
  w.Key("failed").Int(v.evaluation.failed);
  w.Key("item");
  if (auto it = catalogue.summary_text.find(v.item->id); it != catalogue.summary_text.end()) {
    w.Raw(it->second);
  } else {
    w.Value(catalogue.summaries.at(v.item->id));
  }
  w.Key("no_application").Bool(v.item->no_application);
  w.Key("provide");
  WriteStrings(w, provide);
  w.Key("trace");
  WriteTrace(w, v.evaluation, not_needed);
  w.Key("unknown").Int(v.evaluation.unknown);
  w.Key("verdict").String(rules::TruthCode(v.evaluation.verdict));
  w.Key("verdict_label").String(v.item->rule ? rules::TruthLabel(v.evaluation.verdict) : "需人工判断");
  w.EndObject();
}

void WriteIdName(JsonWriter& w, const match::CatalogueItem& item) {
  w.BeginObject().Key("id").Int(item.id).Key("name").String(item.name).EndObject();
}

void WriteExclusivity(JsonWriter& w, const std::vector<match::ExclusivityAdvice>& list) {
  w.BeginArray();
  for (const auto& e : list) {
    w.BeginObject();
    w.Key("advice").String("以下事项不可同时享受，建议申报“" + e.recommended->name +
                           "”（预计金额最高者优先）");
    w.Key("group").String(e.group);
    w.Key("items").BeginArray();
    for (const auto* it : e.items) WriteIdName(w, *it);
    w.EndArray();
    w.Key("recommended");
    WriteIdName(w, *e.recommended);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string VerdictText(const match::ItemVerdict& v, const policy::MatchCatalogue& catalogue,
                        const rules::Schema& schema) {
  JsonWriter w;
  WriteVerdict(w, v, catalogue, schema);
  return w.Take();
}

std::string MatchesText(const match::EnterpriseMatch& m, const std::string& uscc, const std::string& name,
                        const policy::MatchCatalogue& catalogue, const rules::Schema& schema) {
  JsonWriter w;
  auto list = [&](const char* key, const std::vector<match::ItemVerdict>& vs) {
    w.Key(key).BeginArray();
    for (const auto& v : vs) WriteVerdict(w, v, catalogue, schema);
    w.EndArray();
  };
  w.BeginObject();
  list("eligible", m.eligible);
  w.Key("eligible_total_fen").Int(m.eligible_total_fen);
  w.Key("eligible_total_text").String(core::FormatMoneyCompact(m.eligible_total_fen));
  w.Key("enterprise").BeginObject().Key("name").String(name).Key("uscc").String(uscc).EndObject();
  w.Key("exclusivity");
  WriteExclusivity(w, m.exclusivity);
  list("near_misses", m.near_misses);
  w.Key("not_eligible").Int(m.not_eligible);
  list("unknown", m.unknown);
  w.Key("without_rule").Int(m.without_rule);
  w.EndObject();
  return w.Take();
}

}  // namespace huiqi::http
