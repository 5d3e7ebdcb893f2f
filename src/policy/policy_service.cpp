#include "policy/policy_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "policy/detail/lifecycle.h"
#include "policy/detail/name_similarity.h"
#include "policy/detail/repository.h"
#include "policy/policy_json.h"

namespace huiqi::policy {

using core::Result;
using core::Status;
using store::Session;

namespace {

bool PubliclyVisible(PolicyStatus s) {
  return s == PolicyStatus::kPublished || s == PolicyStatus::kSuperseded || s == PolicyStatus::kRepealed;
}

Status ValidatePaging(int page, int page_size) {
  if (page < 1)
    return core::InvalidArgument("page", "invalid_number", "page 应为正整数", "page must be >= 1");
  if (page_size < 1 || page_size > 100) {
    return core::InvalidArgument("page_size", "invalid_number", "page_size 应为 1–100 的整数",
                                 "page_size must be 1..100");
  }
  return core::Ok();
}

Status ValidateFilter(const ListFilter& f) {
  HQ_RETURN_IF_ERROR(ValidatePaging(f.page, f.page_size));
  if (!f.level.empty()) HQ_RETURN_IF_ERROR(ParseLevel(f.level));
  return core::Ok();
}

std::optional<int64_t> OwnDepartment(const auth::Principal& p) {
  if (p.Is(auth::UserKind::kPlatformAdmin)) return std::nullopt;
  return p.department_id.value_or(-1);
}

Status RequireStaff(const auth::Principal& p) {
  if (p.Is(auth::UserKind::kPlatformAdmin) || (p.Is(auth::UserKind::kDepartmentStaff) && p.department_id)) {
    return core::Ok();
  }
  return core::PermissionDenied("只有部门工作人员可以查看", "department staff only");
}

audit::Actor ActorOf(const auth::Principal& p) {
  return audit::Actor{p.user_id > 0 ? std::optional<int64_t>(p.user_id) : std::nullopt, p.login};
}

}  // namespace

core::Date PolicyService::Today() const { return core::ShanghaiDate(clock_.Now()); }

// --- policies ---------------------------------------------------------------------------------

Result<Policy> PolicyService::CreatePolicy(const auth::Principal& actor, const PolicyInput& in) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Policy>([&](Session& s) -> Result<Policy> {
    HQ_ASSIGN_OR_RETURN(int64_t id, detail::CreatePolicyTx(s, ctx, actor, in, ""));
    return detail::LoadPolicy(s, id);
  });
}

Result<Policy> PolicyService::UpdatePolicy(const auth::Principal& actor, int64_t id, const PolicyInput& in) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Policy>([&](Session& s) -> Result<Policy> {
    HQ_RETURN_IF_ERROR(detail::UpdatePolicyTx(s, ctx, actor, id, in));
    return detail::LoadPolicy(s, id);
  });
}

Result<Policy> PolicyService::SubmitPolicy(const auth::Principal& actor, int64_t id) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Policy>([&](Session& s) -> Result<Policy> {
    HQ_RETURN_IF_ERROR(detail::SubmitPolicyTx(s, ctx, actor, id));
    return detail::LoadPolicy(s, id);
  });
}

Result<Policy> PolicyService::RejectPolicy(const auth::Principal& actor, int64_t id,
                                           const std::string& reason) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Policy>([&](Session& s) -> Result<Policy> {
    HQ_RETURN_IF_ERROR(detail::RejectPolicyTx(s, ctx, actor, id, reason));
    return detail::LoadPolicy(s, id);
  });
}

Result<Policy> PolicyService::PublishPolicy(const auth::Principal& actor, int64_t id,
                                            const PublishOptions& options) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Policy>([&](Session& s) -> Result<Policy> {
    HQ_RETURN_IF_ERROR(detail::PublishPolicyTx(s, ctx, actor, id, options));
    return detail::LoadPolicy(s, id);
  });
}

Result<Policy> PolicyService::RevisePolicy(const auth::Principal& actor, int64_t id) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Policy>([&](Session& s) -> Result<Policy> {
    HQ_ASSIGN_OR_RETURN(int64_t new_id, detail::RevisePolicyTx(s, ctx, actor, id));
    return detail::LoadPolicy(s, new_id);
  });
}

Result<Policy> PolicyService::RepealPolicy(const auth::Principal& actor, int64_t id, core::Date repealed_on,
                                           const std::string& reason) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Policy>([&](Session& s) -> Result<Policy> {
    HQ_RETURN_IF_ERROR(detail::RepealPolicyTx(s, ctx, actor, id, repealed_on, reason));
    return detail::LoadPolicy(s, id);
  });
}

Result<Policy> PolicyService::GetPolicy(const auth::Principal* viewer, int64_t id) {
  return db_.ReadValue<Policy>([&](Session& s) -> Result<Policy> {
    HQ_ASSIGN_OR_RETURN(Policy p, detail::LoadPolicy(s, id));
    if (!PubliclyVisible(p.status) && !detail::CanManage(viewer, p.departments)) {
      return core::NotFound("政策", "policy");
    }
    return p;
  });
}

Result<std::vector<PolicyVersion>> PolicyService::Versions(const auth::Principal* viewer, int64_t id) {
  return db_.ReadValue<std::vector<PolicyVersion>>([&](Session& s) -> Result<std::vector<PolicyVersion>> {
    HQ_ASSIGN_OR_RETURN(Policy p, detail::LoadPolicy(s, id));
    bool manager = detail::CanManage(viewer, p.departments);
    if (!PubliclyVisible(p.status) && !manager) return core::NotFound("政策", "policy");
    HQ_ASSIGN_OR_RETURN(auto all, detail::LoadVersions(s, p.root_id));
    std::vector<PolicyVersion> out;
    for (const auto& v : all) {
      if (manager || PubliclyVisible(v.status)) out.push_back(v);
    }
    return out;
  });
}

Result<Page<Policy>> PolicyService::ListPublishedPolicies(const ListFilter& filter) {
  HQ_RETURN_IF_ERROR(ValidateFilter(filter));
  core::Date today = Today();
  return db_.ReadValue<Page<Policy>>(
      [&](Session& s) { return detail::QueryPublishedPolicies(s, filter, today); });
}

Result<Page<Policy>> PolicyService::ListDepartmentPolicies(const auth::Principal& actor,
                                                           const std::string& status, int page,
                                                           int page_size) {
  HQ_RETURN_IF_ERROR(RequireStaff(actor));
  HQ_RETURN_IF_ERROR(ValidatePaging(page, page_size));
  if (!status.empty()) HQ_RETURN_IF_ERROR(ParseStatus(status));
  return db_.ReadValue<Page<Policy>>([&](Session& s) {
    return detail::QueryDepartmentPolicies(s, OwnDepartment(actor), status, page, page_size);
  });
}

// --- items ------------------------------------------------------------------------------------

Result<Item> PolicyService::CreateItem(const auth::Principal& actor, int64_t policy_id, const ItemInput& in) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Item>([&](Session& s) -> Result<Item> {
    HQ_ASSIGN_OR_RETURN(int64_t id, detail::CreateItemTx(s, ctx, actor, policy_id, in, ""));
    return detail::LoadItem(s, id);
  });
}

Result<Item> PolicyService::UpdateItem(const auth::Principal& actor, int64_t id, const ItemInput& in) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Item>([&](Session& s) -> Result<Item> {
    HQ_RETURN_IF_ERROR(detail::UpdateItemTx(s, ctx, actor, id, in));
    return detail::LoadItem(s, id);
  });
}

Result<Item> PolicyService::PublishItem(const auth::Principal& actor, int64_t id,
                                        const PublishOptions& options) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Item>([&](Session& s) -> Result<Item> {
    HQ_RETURN_IF_ERROR(detail::PublishItemTx(s, ctx, actor, id, options));
    return detail::LoadItem(s, id);
  });
}

Result<Item> PolicyService::WithdrawItem(const auth::Principal& actor, int64_t id) {
  detail::Ctx ctx{clock_, calendar_, schema_};
  return db_.WriteValue<Item>([&](Session& s) -> Result<Item> {
    HQ_RETURN_IF_ERROR(detail::WithdrawItemTx(s, ctx, actor, id));
    return detail::LoadItem(s, id);
  });
}

Result<std::vector<RuleVersion>> PolicyService::RuleVersions(const auth::Principal* viewer, int64_t item_id) {
  HQ_RETURN_IF_ERROR(GetItem(viewer, item_id));
  static constexpr store::Statement kVersions{"item.rule_versions",
                                              "SELECT version, rule_text, ast_json, amount_json, "
                                              "effective_from, effective_to, created_at FROM item_rules "
                                              "WHERE item_id = ? ORDER BY version"};
  return db_.ReadValue<std::vector<RuleVersion>>([&](Session& s) -> Result<std::vector<RuleVersion>> {
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kVersions, {item_id}));
    std::vector<RuleVersion> out;
    for (const auto& r : rows) {
      RuleVersion v;
      v.version = static_cast<int>(r.Int("version"));
      v.rule_text = r.Text("rule_text");
      v.ast_json = r.Text("ast_json");
      v.amount_json = r.Text("amount_json");
      HQ_ASSIGN_OR_RETURN(v.effective_from, core::Date::Parse(r.Text("effective_from")));
      if (!r.IsNull("effective_to")) {
        HQ_ASSIGN_OR_RETURN(core::Date to, core::Date::Parse(r.Text("effective_to")));
        v.effective_to = to;
      }
      v.created_at = r.Text("created_at");
      out.push_back(std::move(v));
    }
    return out;
  });
}

Result<Item> PolicyService::GetItem(const auth::Principal* viewer, int64_t id) {
  return db_.ReadValue<Item>([&](Session& s) -> Result<Item> {
    HQ_ASSIGN_OR_RETURN(Item it, detail::LoadItem(s, id));
    if (detail::CanManage(viewer, {it.department})) return it;
    HQ_ASSIGN_OR_RETURN(Policy p, detail::LoadPolicy(s, it.policy_id));
    if (it.status != ItemStatus::kPublished || p.status != PolicyStatus::kPublished) {
      return core::NotFound("事项", "item");
    }
    return it;
  });
}

Result<std::vector<Item>> PolicyService::ItemsOfPolicy(const auth::Principal* viewer, int64_t policy_id) {
  return db_.ReadValue<std::vector<Item>>([&](Session& s) -> Result<std::vector<Item>> {
    HQ_ASSIGN_OR_RETURN(Policy p, detail::LoadPolicy(s, policy_id));
    HQ_ASSIGN_OR_RETURN(int64_t current, detail::CurrentVersionId(s, p.root_id));
    HQ_ASSIGN_OR_RETURN(Policy cur, detail::LoadPolicy(s, current));
    HQ_ASSIGN_OR_RETURN(auto all, detail::LoadItemsOfLineage(s, p.root_id));
    std::vector<Item> out;
    for (auto& it : all) {
      bool public_item = it.status == ItemStatus::kPublished && cur.status == PolicyStatus::kPublished;
      if (public_item || detail::CanManage(viewer, {it.department})) out.push_back(std::move(it));
    }
    return out;
  });
}

Result<Page<Item>> PolicyService::ListPublishedItems(const ListFilter& filter) {
  HQ_RETURN_IF_ERROR(ValidateFilter(filter));
  core::Date today = Today();
  return db_.ReadValue<Page<Item>>([&](Session& s) { return detail::QueryPublishedItems(s, filter, today); });
}

Result<Page<Item>> PolicyService::ListDepartmentItems(const auth::Principal& actor, int page, int page_size) {
  HQ_RETURN_IF_ERROR(RequireStaff(actor));
  HQ_RETURN_IF_ERROR(ValidatePaging(page, page_size));
  return db_.ReadValue<Page<Item>>(
      [&](Session& s) { return detail::QueryDepartmentItems(s, OwnDepartment(actor), page, page_size); });
}

Result<std::vector<CatalogueEntry>> PolicyService::SimilarItemNames(const std::string& name) {
  return db_.ReadValue<std::vector<CatalogueEntry>>(
      [&](Session& s) { return detail::FindSimilarNames(s, name); });
}

// --- taxonomy ---------------------------------------------------------------------------------

Result<std::vector<CodeLabel>> PolicyService::ListPolicyTypes() {
  return db_.ReadValue<std::vector<CodeLabel>>([](Session& s) { return detail::LoadPolicyTypes(s); });
}

Result<CodeLabel> PolicyService::CreatePolicyType(const auth::Principal& actor, const CodeLabel& type) {
  HQ_RETURN_IF_ERROR(detail::RequireAdmin(actor, "新增政策类型"));
  bool code_ok = !type.code.empty() && std::all_of(type.code.begin(), type.code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!code_ok) {
    return core::InvalidArgument("code", "invalid_code", "类型代码应为小写字母、数字或下划线",
                                 "code must be [a-z0-9_]+");
  }
  if (type.label.empty())
    return core::InvalidArgument("label", "required", "请填写类型名称", "label is required");
  return db_.WriteValue<CodeLabel>([&](Session& s) -> Result<CodeLabel> {
    HQ_RETURN_IF_ERROR(detail::InsertPolicyType(s, type, core::FormatTimestamp(clock_.Now())));
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, ActorOf(actor), "policy_type.create", "policy_type",
                                     type.code, nullptr, {{"code", type.code}, {"label", type.label}}));
    return type;
  });
}

Result<std::vector<CodeLabel>> PolicyService::ListTagGroups() {
  return db_.ReadValue<std::vector<CodeLabel>>([](Session& s) { return detail::LoadTagGroups(s); });
}

Result<std::vector<Tag>> PolicyService::ListTags(const std::string& group) {
  return db_.ReadValue<std::vector<Tag>>([&](Session& s) { return detail::LoadTags(s, group); });
}

Result<Tag> PolicyService::CreateTag(const auth::Principal& actor, const std::string& group,
                                     const std::string& name) {
  // 常州办法 第十八条: departments tag with the platform's taxonomy; only the platform adds to it.
  HQ_RETURN_IF_ERROR(detail::RequireAdmin(actor, "新增标签"));
  if (name.empty()) return core::InvalidArgument("name", "required", "请填写标签名称", "name is required");
  return db_.WriteValue<Tag>([&](Session& s) -> Result<Tag> {
    std::optional<int64_t> by = actor.user_id > 0 ? std::optional<int64_t>(actor.user_id) : std::nullopt;
    HQ_ASSIGN_OR_RETURN(Tag t, detail::InsertTag(s, group, name, by, core::FormatTimestamp(clock_.Now())));
    HQ_RETURN_IF_ERROR(audit::Record(s, clock_, ActorOf(actor), "tag.create", "tag", std::to_string(t.id),
                                     nullptr, TagJson(t)));
    return t;
  });
}

}  // namespace huiqi::policy
