#include "http/api/match_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/money.h"
#include "http/detail/json_writer.h"
#include "rules/advice.h"
#include "rules/trace.h"

namespace huiqi::http {

namespace {

using detail::JsonWriter;

// What a matches answer needs besides the verdicts: the enterprise's facts (for the figures to
// reach) and the reference namer (codes in merged rows).
struct Context {
  const policy::MatchCatalogue& catalogue;
  const rules::Schema& schema;
  const rules::Facts& facts;
  core::Date today;
  const rules::CodeNamer& namer;
};

// Conditions inside an "or" that another branch satisfied are marked needed: false.
std::vector<bool> NotNeededOf(const match::ItemVerdict& v) {
  std::vector<rules::Truth> outcomes;
  outcomes.reserve(v.evaluation.conditions.size());
  for (const auto& c : v.evaluation.conditions) outcomes.push_back(c.outcome);
  if (!v.item->rule) return std::vector<bool>(outcomes.size(), false);
  return rules::NotNeeded(*v.item->rule, outcomes);
}

const rules::Node& Inner(const rules::Node& leaf) {
  return leaf.kind == rules::NodeKind::kNot ? leaf.children[0] : leaf;
}
bool IsReviewed(const rules::ConditionTrace& c) {
  return c.node != nullptr && Inner(*c.node).kind == rules::NodeKind::kReviewed;
}

// One row per condition, except that an "or" over codes of one attribute is one row naming its
// alternatives (行业属于通用设备制造业（C34）或集成电路制造（3973）). A department-reviewed condition
// reads 待审核, never 满足.
void WriteTrace(JsonWriter& w, const match::ItemVerdict& v, const std::vector<bool>& not_needed,
                const Context& ctx) {
  const auto& conds = v.evaluation.conditions;
  std::vector<rules::TraceRow> rows;
  if (v.item->rule) rows = rules::TraceRows(*v.item->rule, ctx.schema);
  if (rows.empty() || rows.back().first + rows.back().count != conds.size()) {
    rows.clear();  // no rule, or a trace that is not the rule's: one row per condition
    for (size_t i = 0; i < conds.size(); ++i) rows.push_back({conds[i].node, i, 1});
  }
  w.BeginArray();
  for (const auto& row : rows) {
    const auto& first = conds[row.first];
    bool needed = false;
    rules::Truth outcome = rules::Truth::kFalse;
    for (size_t i = row.first; i < row.first + row.count; ++i) {
      needed = needed || i >= not_needed.size() || !not_needed[i];
      if (conds[i].outcome == rules::Truth::kTrue) outcome = rules::Truth::kTrue;
      if (conds[i].outcome == rules::Truth::kUnknown && outcome != rules::Truth::kTrue)
        outcome = rules::Truth::kUnknown;
    }
    bool merged = row.count > 1;
    bool reviewed = !merged && IsReviewed(first);
    w.BeginObject();
    w.Key("actual").String(first.actual);
    w.Key("alternatives").Int(static_cast<int64_t>(row.count));
    w.Key("attribute").String(first.attr);
    w.Key("canonical").String(merged ? rules::Print(*row.node, ctx.schema) : first.canonical);
    w.Key("condition").String(merged ? rules::Describe(*row.node, ctx.schema, ctx.namer) : first.description);
    if (reviewed) w.Key("evidence").String(Inner(*first.node).evidence);
    w.Key("needed").Bool(needed);
    w.Key("result").String(reviewed ? "review" : rules::TruthCode(outcome));
    w.Key("result_label")
        .String(!needed    ? "无需满足（同组其他条件已满足）"
                : reviewed ? "待审核"
                           : rules::TruthLabel(outcome));
    w.EndObject();
  }
  if (v.standing == match::Standing::kPendingReview && v.item->rule && match::RegionOnly(*v.item->rule)) {
    // The rule names only the region: the item's real conditions are the department's to judge.
    w.BeginObject();
    w.Key("actual").String(rules::kReviewPending);
    w.Key("alternatives").Int(1);
    w.Key("attribute").String("");
    w.Key("canonical").String("");
    w.Key("condition").String("其余申报条件（见办事指南）由主管部门审核");
    w.Key("needed").Bool(true);
    w.Key("result").String("review");
    w.Key("result_label").String("待审核");
    w.EndObject();
  }
  w.EndArray();
}

// What the enterprise can do: for a near miss, each failing condition it can change, with the
// figure to reach and the department that records it (never a fact: region, ownership type,
// founding date, industry); for 待审核, what the department reviews and the evidence it needs;
// for missing data, what to provide and who provides it.
void Advise(const match::ItemVerdict& v, const std::vector<bool>& not_needed, const Context& ctx,
            std::vector<std::string>& advice, std::vector<std::string>& provide) {
  auto add_provide = [&](const std::string& key) {
    const rules::AttributeDef* a = ctx.schema.Find(key);
    std::string label = a ? a->label : key;
    if (std::find(provide.begin(), provide.end(), label) != provide.end()) return;
    provide.push_back(label);
    advice.push_back(rules::ProvideAdvice(ctx.schema, key));
  };
  if (v.standing == match::Standing::kForStaff) {
    advice.push_back("面向个人申报：可告知符合条件的员工自行申报；不计入企业预计可享受");
  }
  for (size_t i = 0; i < v.evaluation.conditions.size(); ++i) {
    const auto& c = v.evaluation.conditions[i];
    if (not_needed[i]) continue;
    if (IsReviewed(c)) {
      const auto& n = Inner(*c.node);
      advice.push_back("待主管部门审核：" + n.text +
                       (n.evidence.empty() ? "" : "（需提供" + n.evidence + "）"));
    } else if (c.outcome == rules::Truth::kFalse && v.standing == match::Standing::kNearMiss) {
      std::string action = rules::ActionFor(*c.node, ctx.schema, ctx.facts, ctx.today, ctx.namer);
      if (!action.empty()) advice.push_back(action);
    } else if (c.outcome == rules::Truth::kUnknown && !c.attr.empty()) {
      add_provide(c.attr);
    }
  }
  if (v.standing == match::Standing::kPendingReview && v.item->rule && match::RegionOnly(*v.item->rule)) {
    advice.push_back("该事项的具体申报条件由主管部门审核，请对照办事指南准备材料");
  }
  if (!v.estimate.missing.empty()) add_provide(v.estimate.missing);
}

void WriteStrings(JsonWriter& w, const std::vector<std::string>& list) {
  w.BeginArray();
  for (const auto& s : list) w.String(s);
  w.EndArray();
}

// pass / fail / unknown as the rule says, except that nothing left to a department reads pass.
std::string_view VerdictCode(const match::ItemVerdict& v) {
  if (v.standing == match::Standing::kPendingReview) return "review";
  return rules::TruthCode(v.evaluation.verdict);
}

void WriteVerdict(JsonWriter& w, const match::ItemVerdict& v, const Context& ctx) {
  std::vector<bool> not_needed = NotNeededOf(v);
  std::vector<std::string> advice, provide;
  Advise(v, not_needed, ctx, advice, provide);
  w.BeginObject();
  w.Key("advice");
  WriteStrings(w, advice);
  w.Key("amount_basis").String(v.estimate.basis);
  w.Key("amount_fen");
  v.estimate.fen ? w.Int(*v.estimate.fen) : w.Null();
  w.Key("amount_text").String(v.estimate.text);
  w.Key("failed").Int(v.evaluation.failed);
  w.Key("in_total").Bool(v.in_total);
  w.Key("item");
  if (auto it = ctx.catalogue.summary_text.find(v.item->id); it != ctx.catalogue.summary_text.end()) {
    w.Raw(it->second);
  } else {
    w.Value(ctx.catalogue.summaries.at(v.item->id));
  }
  w.Key("no_application").Bool(v.item->no_application);
  w.Key("provide");
  WriteStrings(w, provide);
  w.Key("standing").String(match::StandingCode(v.standing));
  w.Key("trace");
  WriteTrace(w, v, not_needed, ctx);
  w.Key("unknown").Int(v.evaluation.unknown);
  w.Key("verdict").String(VerdictCode(v));
  w.Key("verdict_label").String(v.item->rule ? match::StandingLabel(v.standing) : "需人工判断");
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
                        const rules::Schema& schema, const rules::Facts& facts, core::Date today,
                        const rules::CodeNamer& namer) {
  JsonWriter w;
  WriteVerdict(w, v, Context{catalogue, schema, facts, today, namer});
  return w.Take();
}

std::string VerdictText(const match::ItemVerdict& v, const policy::MatchCatalogue& catalogue,
                        const rules::Schema& schema) {
  static const rules::Facts kNoFacts;
  static const rules::CodeNamer kNoNamer;
  return VerdictText(v, catalogue, schema, kNoFacts, core::Date::FromDays(0), kNoNamer);
}

std::string MatchesText(const match::EnterpriseMatch& m, const std::string& uscc, const std::string& name,
                        const policy::MatchCatalogue& catalogue, const rules::Schema& schema,
                        const rules::Facts& facts, core::Date today, const rules::CodeNamer& namer) {
  Context ctx{catalogue, schema, facts, today, namer};
  JsonWriter w;
  auto list = [&](const char* key, const std::vector<match::ItemVerdict>& vs) {
    w.Key(key).BeginArray();
    for (const auto& v : vs) WriteVerdict(w, v, ctx);
    w.EndArray();
  };
  w.BeginObject();
  list("eligible", m.eligible);
  w.Key("eligible_total_fen").Int(m.eligible_total_fen);
  w.Key("eligible_total_text").String(core::FormatMoneyCompact(m.eligible_total_fen));
  w.Key("eligible_without_amount").Int(m.eligible_without_amount);
  w.Key("enterprise").BeginObject().Key("name").String(name).Key("uscc").String(uscc).EndObject();
  w.Key("exclusivity");
  WriteExclusivity(w, m.exclusivity);
  list("for_staff", m.for_staff);
  list("near_misses", m.near_misses);
  w.Key("not_eligible").Int(m.not_eligible);
  list("pending_review", m.pending_review);
  list("unknown", m.unknown);
  w.Key("without_rule").Int(m.without_rule);
  w.EndObject();
  return w.Take();
}

}  // namespace huiqi::http
