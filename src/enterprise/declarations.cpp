// Figures a newly registered enterprise declares itself (企业自报) until the departments' data
// arrives, so that it is not left at "档案尚未归集" with nothing to do (issue 12 item 6). They
// are kept apart from the departments' data by their history source and shown as such.
#include <nlohmann/json.hpp>

#include "enterprise/detail/profile_repository.h"
#include "enterprise/detail/values.h"
#include "enterprise/profile.h"
#include "enterprise/units.h"

namespace huiqi::enterprise {

using core::Result;
using detail::Bad;

namespace {

// The declared value in the archive's scale, parsed in the unit given with it.
core::Status ParseDeclared(const rules::AttributeDef& a, const DeclaredValue& v,
                           const core::ReferenceData* ref, const std::string& field, rules::Facts& facts) {
  if (v.unit.empty() || UnitsFor(a).empty()) return SetFact(facts, a, v.value, ref, field);
  if (!v.value.is_string() && !v.value.is_number())
    return Bad(field, "请填写" + a.label, "value is required");
  std::string text = v.value.is_string() ? v.value.get<std::string>() : v.value.dump();
  auto parsed = ParseInUnit(a, text, v.unit, field);
  if (!parsed.ok()) {
    core::Error e = parsed.error();
    if (e.field == "unit") e.field = field;
    return e;
  }
  facts.numbers[a.key] = *parsed;
  return core::Ok();
}

}  // namespace

Result<Profile> ProfileService::Declare(const auth::Principal& actor, const std::string& name,
                                        const std::vector<DeclaredValue>& values) {
  if (!actor.Is(auth::UserKind::kEnterprise) || !actor.uscc) {
    return core::PermissionDenied("只有企业用户可以填报本企业数据", "enterprise users only");
  }
  if (values.empty()) return Bad("values", "请至少填写一项数据", "no values");
  if (values.size() > 64) return Bad("values", "一次最多填写 64 项", "too many values");
  EnterpriseRecord rec;
  rec.uscc = *actor.uscc;
  std::vector<std::string> touched;
  for (const auto& v : values) {
    std::string field = "values." + v.attribute;
    const rules::AttributeDef* a = schema_.Find(v.attribute);
    if (!a || a->derived || a->type == rules::AttrType::kTagSet) {
      return Bad(field, "“" + v.attribute + "”不是可自报的档案数据", "unknown, derived or tag attribute");
    }
    HQ_RETURN_IF_ERROR(ParseDeclared(*a, v, reference_, "values." + a->key, rec.facts));
    touched.push_back(a->key);
  }
  audit::Actor who{actor.user_id > 0 ? std::optional<int64_t>(actor.user_id) : std::nullopt, actor.login};
  HQ_RETURN_IF_ERROR(db_.Write([&](store::Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(auto existing, detail::Load(s, *actor.uscc, schema_));
    if (existing) {
      rec.name = existing->name;
      for (const auto& key : touched) {
        const rules::AttributeDef* a = schema_.Find(key);
        bool has = existing->facts.numbers.count(key) > 0 || existing->facts.texts.count(key) > 0;
        // A department's figure is corrected through the department, not overwritten.
        if (has && !existing->self_declared.count(key)) {
          return Bad("values." + key,
                     a->label + "已有部门数据（来源：" + a->source + "），如有不符请申请更正",
                     key + " holds a department's value: propose a correction");
        }
      }
    } else {
      rec.name = detail::Trim(name.empty() ? actor.display_name : name);
      if (rec.name.empty()) return Bad("name", "请填写企业名称", "name is required");
      if (rec.name.size() > 200) return Bad("name", "企业名称不能超过 200 字节", "name is too long");
    }
    HQ_ASSIGN_OR_RETURN(
        auto r, detail::UpsertIn(s, clock_, schema_, who, rec, touched, std::string(kSelfDeclaredSource)));
    (void)r;
    return core::Ok();
  }));
  return Get(*actor.uscc);
}

}  // namespace huiqi::enterprise
