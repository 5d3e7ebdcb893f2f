#include "policy/demo_loader.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "policy/detail/lifecycle.h"
#include "policy/detail/name_similarity.h"
#include "policy/detail/repository.h"
#include "policy/policy_json.h"

namespace huiqi::policy {

namespace fs = std::filesystem;
using core::Result;
using core::Status;
using nlohmann::json;
using store::Session;

namespace {

auth::Principal SeedActor() {
  auth::Principal p;
  p.login = "seed-demo";
  p.display_name = "演示数据载入";
  p.kind = auth::UserKind::kPlatformAdmin;
  return p;
}

Result<json> ReadJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return core::NotFound("演示数据文件 " + path.string(), "demo file " + path.string());
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded()) {
    return core::InvalidArgument("demo", "invalid_json", "演示数据文件不是合法 JSON：" + path.string(),
                                 "invalid JSON: " + path.string());
  }
  return j;
}

core::Error InContext(core::Error e, const std::string& where) {
  e.message = where + "：" + e.message;
  e.message_en = where + ": " + e.message_en;
  return e;
}

std::optional<core::Date> DateOf(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
  auto d = core::Date::Parse(j[key].get<std::string>(), key);
  return d.ok() ? std::optional<core::Date>(*d) : std::nullopt;
}

// tags.json: {"groups": [{"code", "tags": [..]}]}, {"tags": [{"group", "name"}]}, a bare array
// of {"group", "name"}, or {"<group code>": [names]}.
std::vector<std::pair<std::string, std::string>> TagEntries(const json& doc) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add_pairs = [&](const json& arr) {
    for (const auto& t : arr) {
      if (t.is_object()) out.emplace_back(t.value("group", ""), t.value("name", ""));
    }
  };
  if (doc.is_array()) {
    add_pairs(doc);
  } else if (doc.is_object() && doc.contains("groups") && doc["groups"].is_array()) {
    for (const auto& g : doc["groups"]) {
      std::string code = g.value("code", g.value("group", ""));
      for (const auto& n : g.value("tags", g.value("names", json::array()))) {
        if (n.is_string()) out.emplace_back(code, n.get<std::string>());
        if (n.is_object()) out.emplace_back(code, n.value("name", ""));
      }
    }
  } else if (doc.is_object() && doc.contains("tags") && doc["tags"].is_array()) {
    add_pairs(doc["tags"]);
  } else if (doc.is_object()) {
    for (const auto& [code, names] : doc.items()) {
      if (!names.is_array()) continue;
      for (const auto& n : names) {
        if (n.is_string()) out.emplace_back(code, n.get<std::string>());
      }
    }
  }
  return out;
}

Status SeedTags(PolicyService& svc, const fs::path& file, SeedReport& report) {
  if (!fs::exists(file)) return core::Ok();
  HQ_ASSIGN_OR_RETURN(json doc, ReadJson(file));
  HQ_ASSIGN_OR_RETURN(auto existing, svc.ListTags(""));
  for (const auto& [group, name] : TagEntries(doc)) {
    bool known = std::any_of(existing.begin(), existing.end(), [&](const Tag& t) { return t.name == name; });
    if (known || name.empty()) continue;
    auto created = svc.CreateTag(SeedActor(), group, name);
    if (!created.ok()) return InContext(created.error(), file.filename().string() + " 标签“" + name + "”");
    existing.push_back(*created);
    ++report.tags_added;
  }
  return core::Ok();
}

// Policy files hold one policy object, an array of them, or {"policies": [...]}.
std::vector<json> PoliciesIn(const json& doc) {
  if (doc.is_array()) return {doc.begin(), doc.end()};
  if (doc.is_object() && doc.contains("policies") && doc["policies"].is_array()) {
    return {doc["policies"].begin(), doc["policies"].end()};
  }
  return {doc};
}

// Creates one item unless its key exists; publishes it when the policy is published and the
// guide is complete (an incomplete one stays a draft, which supervision then reports).
Status SeedItem(Session& s, const detail::Ctx& ctx, const Policy& policy, const json& j, SeedReport& report) {
  std::string key = j.value("key", "");
  if (!key.empty()) {
    HQ_ASSIGN_OR_RETURN(auto existing, detail::ItemIdByKey(s, key));
    if (existing) {
      ++report.items_existing;
      return core::Ok();
    }
  }
  HQ_ASSIGN_OR_RETURN(ItemInput in, ItemInputFromJson(j));
  // Demo names are curated: reuse an identical catalogue name, otherwise file a new one.
  HQ_ASSIGN_OR_RETURN(auto similar, detail::FindSimilarNames(s, in.name));
  for (const auto& e : similar) {
    if (detail::NormalizeName(e.name) == detail::NormalizeName(in.name)) in.catalogue_id = e.id;
  }
  in.confirm_new_name = true;
  auth::Principal actor = SeedActor();
  HQ_ASSIGN_OR_RETURN(int64_t id, detail::CreateItemTx(s, ctx, actor, policy.id, in, key));
  ++report.items_added;
  if (policy.status != PolicyStatus::kPublished || j.value("status", "published") == "draft")
    return core::Ok();
  PublishOptions when{DateOf(j, "guide_published_on")};
  if (!when.published_on) when.published_on = policy.publish.published_on;
  Status published = detail::PublishItemTx(s, ctx, actor, id, when);
  if (!published.ok()) {
    if (published.error().code != "guide_incomplete") return published.error();
    report.warnings.push_back("事项 " + key + " 保留为草稿：" + published.error().message);
  }
  return core::Ok();
}

Status SeedPolicy(Session& s, const detail::Ctx& ctx, const json& j, SeedReport& report) {
  std::string key = j.value("key", "");
  if (key.empty())
    return core::InvalidArgument("key", "required", "演示政策缺少 key", "policy key is required");
  auth::Principal actor = SeedActor();
  HQ_ASSIGN_OR_RETURN(auto existing, detail::PolicyIdByKey(s, key));
  int64_t id = 0;
  if (existing) {
    id = *existing;
    ++report.policies_existing;
  } else {
    json content = j;
    content.erase("links");  // by key; resolved once every policy is in
    HQ_ASSIGN_OR_RETURN(PolicyInput in, PolicyInputFromJson(content));
    HQ_ASSIGN_OR_RETURN(id, detail::CreatePolicyTx(s, ctx, actor, in, key));
    ++report.policies_added;
    std::string status = j.value("status", "published");
    if (status != "draft") {
      HQ_RETURN_IF_ERROR(detail::SubmitPolicyTx(s, ctx, actor, id));
      HQ_RETURN_IF_ERROR(
          detail::PublishPolicyTx(s, ctx, actor, id, PublishOptions{DateOf(j, "published_on")}));
    }
  }
  HQ_ASSIGN_OR_RETURN(Policy policy, detail::LoadPolicy(s, id));
  const json items = j.value("items", json::array());
  for (size_t i = 0; i < items.size(); ++i) {
    Status st = SeedItem(s, ctx, policy, items[i], report);
    if (!st.ok()) return InContext(st.error(), "items[" + std::to_string(i) + "]");
  }
  if (!existing && j.value("status", "published") == "repealed") {
    core::Date on = DateOf(j, "repealed_on").value_or(ctx.Today());
    HQ_RETURN_IF_ERROR(
        detail::RepealPolicyTx(s, ctx, actor, id, on, j.value("repeal_reason", "已废止（演示数据）")));
  }
  return core::Ok();
}

Status SeedLinks(Session& s, const detail::Ctx& ctx, const json& j, SeedReport& report) {
  HQ_ASSIGN_OR_RETURN(auto self, detail::PolicyIdByKey(s, j.value("key", "")));
  if (!self) return core::Ok();
  HQ_ASSIGN_OR_RETURN(Policy p, detail::LoadPolicy(s, *self));
  for (const auto& l : j.value("links", json::array())) {
    HQ_ASSIGN_OR_RETURN(LinkKind kind, ParseLinkKind(l.value("type", ""), "links.type"));
    std::string target_key = l.value("target_key", "");
    HQ_ASSIGN_OR_RETURN(auto target, detail::PolicyIdByKey(s, target_key));
    if (!target) {
      return core::InvalidArgument("links.target_key", "unknown_policy", "关联政策 " + target_key + " 不存在",
                                   "unknown link target " + target_key);
    }
    bool known = std::any_of(p.links.begin(), p.links.end(),
                             [&](const PolicyLink& x) { return x.kind == kind && x.target_id == *target; });
    if (known) continue;
    HQ_RETURN_IF_ERROR(detail::AddPolicyLink(s, p.id, kind, *target));
    ++report.links_added;
    // A policy that supersedes or repeals another ends it (常州办法 第十条: keep the library current).
    if (kind != LinkKind::kAmends && p.status == PolicyStatus::kPublished) {
      HQ_ASSIGN_OR_RETURN(Policy old, detail::LoadPolicy(s, *target));
      if (old.status == PolicyStatus::kPublished) {
        core::Date on = p.publish.published_on.value_or(ctx.Today());
        HQ_RETURN_IF_ERROR(
            detail::RepealPolicyTx(s, ctx, SeedActor(), old.id, on,
                                   std::string(kind == LinkKind::kSupersedes ? "已被" : "已由") + "《" +
                                       p.title + "》" + (kind == LinkKind::kSupersedes ? "替代" : "废止")));
      }
    }
  }
  HQ_ASSIGN_OR_RETURN(Policy after, detail::LoadPolicy(s, p.id));
  if (after.links.size() == p.links.size()) return core::Ok();
  return audit::Record(s, ctx.clock, audit::Actor{std::nullopt, "seed-demo"}, "policy.link", "policy",
                       std::to_string(p.id), PolicyToJson(p), PolicyToJson(after));
}

Result<SeedReport> SeedAll(PolicyService& service, const fs::path& demo_dir) {
  SeedReport report;
  HQ_RETURN_IF_ERROR(SeedTags(service, demo_dir / "tags.json", report));
  std::vector<fs::path> files;
  if (fs::is_directory(demo_dir / "policies")) {
    for (const auto& e : fs::directory_iterator(demo_dir / "policies")) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::pair<std::string, json>> docs;
  for (const auto& f : files) {
    HQ_ASSIGN_OR_RETURN(json doc, ReadJson(f));
    for (auto& p : PoliciesIn(doc)) docs.emplace_back(f.filename().string(), std::move(p));
  }
  detail::Ctx ctx{service.clock(), service.calendar(), service.schema()};
  for (const auto& [file, j] : docs) {
    Status st = service.db().Write([&](Session& s) { return SeedPolicy(s, ctx, j, report); });
    if (!st.ok()) return InContext(st.error(), "policies/" + file + " " + j.value("key", ""));
  }
  for (const auto& [file, j] : docs) {
    if (!j.contains("links") || j["links"].empty()) continue;
    Status st = service.db().Write([&](Session& s) { return SeedLinks(s, ctx, j, report); });
    if (!st.ok()) return InContext(st.error(), "policies/" + file + " " + j.value("key", ""));
  }
  return report;
}

}  // namespace

Result<SeedReport> SeedDemo(PolicyService& service, const fs::path& demo_dir) {
  try {
    return SeedAll(service, demo_dir);
  } catch (const json::exception& e) {
    return core::InvalidArgument("demo", "invalid_demo", std::string("演示数据格式错误：") + e.what(),
                                 e.what());
  }
}

}  // namespace huiqi::policy
