#include "enterprise/attributes.h"

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"

namespace huiqi::enterprise {

using nlohmann::json;

namespace {

constexpr store::Statement kList{"attributes.list",
                                 "SELECT key, label, type, unit, enum_values, aliases, source, as_of, "
                                 "created_at FROM attribute_defs ORDER BY created_at, key"};
constexpr store::Statement kInsert{"attributes.insert",
                                   "INSERT INTO attribute_defs (key, label, type, unit, enum_values, "
                                   "aliases, source, as_of, created_by, created_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};

json DefJson(const CustomAttribute& a) {
  return {{"key", a.def.key},
          {"label", a.def.label},
          {"type", rules::AttrTypeCode(a.def.type)},
          {"unit", a.def.unit},
          {"enum_values", a.def.enum_values},
          {"aliases", a.def.aliases},
          {"source", a.def.source},
          {"as_of", a.as_of ? json(a.as_of->ToString()) : json()}};
}

}  // namespace

core::Result<std::vector<CustomAttribute>> ListCustomAttributes(store::Database& db) {
  return db.ReadValue<std::vector<CustomAttribute>>(
      [](store::Session& s) -> core::Result<std::vector<CustomAttribute>> {
        HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kList));
        std::vector<CustomAttribute> out;
        for (const auto& r : rows) {
          CustomAttribute a;
          a.def.key = r.Text("key");
          a.def.label = r.Text("label");
          HQ_ASSIGN_OR_RETURN(a.def.type, rules::ParseAttrType(r.Text("type")));
          a.def.unit = r.Text("unit");
          a.def.enum_values =
              json::parse(r.Text("enum_values"), nullptr, false).get<std::vector<std::string>>();
          a.def.aliases = json::parse(r.Text("aliases"), nullptr, false).get<std::vector<std::string>>();
          a.def.source = r.Text("source");
          if (!r.IsNull("as_of")) {
            auto d = core::Date::Parse(r.Text("as_of"));
            if (d.ok()) a.as_of = *d;
          }
          a.created_at = r.Text("created_at");
          out.push_back(std::move(a));
        }
        return out;
      });
}

core::Result<rules::Schema> LoadSchema(store::Database& db) {
  rules::Schema schema = rules::BuiltinSchema();
  HQ_ASSIGN_OR_RETURN(auto custom, ListCustomAttributes(db));
  for (auto& a : custom) HQ_RETURN_IF_ERROR(schema.Add(std::move(a.def)));
  return schema;
}

core::Result<CustomAttribute> AddAttribute(store::Database& db, const core::Clock& clock,
                                           const auth::Principal& actor, const rules::AttributeDef& in,
                                           std::optional<core::Date> as_of) {
  if (!actor.Is(auth::UserKind::kPlatformAdmin)) {
    return core::PermissionDenied("只有平台管理员可以增加档案属性", "platform admins only");
  }
  using T = rules::AttrType;
  if (in.type == T::kCode || in.type == T::kTagSet) {
    return core::InvalidArgument("type", "invalid_type",
                                 "新增属性的类型应为 int、decimal、money、percent、date、enum 或 bool",
                                 "type must be int, decimal, money, percent, date, enum or bool");
  }
  if (in.label.empty())
    return core::InvalidArgument("label", "required", "请填写中文名称", "label is required");
  if (in.type == T::kEnum && in.enum_values.empty()) {
    return core::InvalidArgument("enum_values", "required", "枚举类型须列出可选值",
                                 "an enum needs its values");
  }
  if (in.derived)
    return core::InvalidArgument("derived", "invalid", "新增属性不能是计算属性", "cannot be derived");
  // The schema checks the key's shape and collisions with every existing key, label and alias.
  HQ_ASSIGN_OR_RETURN(rules::Schema current, LoadSchema(db));
  HQ_RETURN_IF_ERROR(current.Add(in));
  CustomAttribute out{in, as_of, core::FormatTimestamp(clock.Now())};
  HQ_RETURN_IF_ERROR(db.Write([&](store::Session& s) -> core::Status {
    HQ_RETURN_IF_ERROR(s.Exec(
        kInsert,
        {in.key, in.label, std::string(rules::AttrTypeCode(in.type)), in.unit, json(in.enum_values).dump(),
         json(in.aliases).dump(), in.source, as_of ? store::Value(as_of->ToString()) : store::Null(),
         actor.user_id > 0 ? store::Value(actor.user_id) : store::Null(), out.created_at}));
    return audit::Record(
        s, clock,
        audit::Actor{actor.user_id > 0 ? std::optional<int64_t>(actor.user_id) : std::nullopt, actor.login},
        "attribute.create", "attribute", in.key, json(), DefJson(out));
  }));
  return out;
}

}  // namespace huiqi::enterprise
