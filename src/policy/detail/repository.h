#pragma once
// Storage of the policy library: every SQL statement of the module, and the mapping between
// rows and the public types. Functions run inside the caller's transaction (a Session) so the
// service and the demo loader compose them into one transaction per change.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "store/database.h"

namespace huiqi::policy::detail {

using core::Result;
using core::Status;
using store::Session;

// Row helpers shared by repository.cpp and item_repository.cpp.
//! Runs a statement whose row count does not matter.
Status Run(Session& s, const store::Statement& st, const store::Params& params);
store::Value DateValue(const std::optional<core::Date>& d);  // 'YYYY-MM-DD' or NULL
store::Value IdValue(std::optional<int64_t> id);             // the id or NULL
//! A date column; NULL, empty or unparsable → nullopt.
std::optional<core::Date> OptDate(const store::Row& r, std::string_view col);
//! A JSON array of strings stored as text (anything else → empty).
std::vector<std::string> StringList(const std::string& text);

//! A PolicyInput with codes and names resolved to ids; built by ResolvePolicy.
struct PolicyRow {
  PolicyInput in;
  std::vector<int64_t> department_ids;  // lead first
  int64_t interpretation_department_id = 0;
  std::vector<int64_t> tag_ids;
};

//! An ItemInput with its department and tags resolved.
struct ItemRow {
  ItemInput in;
  int64_t department_id = 0;
  std::vector<int64_t> tag_ids;
};

// --- lookups ---------------------------------------------------------------------------------
Result<DepartmentRef> DepartmentById(Session& s, int64_t id);
//! kInvalidArgument naming `field` when the code is unknown.
Result<DepartmentRef> DepartmentByCode(Session& s, const std::string& code, const std::string& field);
//! Tag ids for names; kInvalidArgument "unknown_tag" naming the first unknown tag.
Result<std::vector<int64_t>> TagIds(Session& s, const std::vector<std::string>& names,
                                    const std::string& field);
Status RequirePolicyTypes(Session& s, const std::vector<std::string>& codes);

// --- policies --------------------------------------------------------------------------------
Result<Policy> LoadPolicy(Session& s, int64_t id);
Result<std::optional<int64_t>> PolicyIdByKey(Session& s, const std::string& key);
Result<std::vector<PolicyVersion>> LoadVersions(Session& s, int64_t root_id);
//! The id of the version of a lineage that is current: the published one, else the newest.
Result<int64_t> CurrentVersionId(Session& s, int64_t root_id);
//! Whether the lineage has a draft or in-review version.
Result<bool> HasOpenVersion(Session& s, int64_t root_id);

struct NewPolicyMeta {
  std::optional<int64_t> root_id;  // null: a new lineage (root_id = own id)
  int version = 1;
  std::string key;
  std::optional<int64_t> created_by;
  std::string now;
};
Result<int64_t> InsertPolicy(Session& s, const PolicyRow& row, const NewPolicyMeta& meta);
// State changes go through PolicyMachine / ItemMachine: each UPDATE is guarded by the status
// the caller read, and a lost race is kConflict "state_conflict".
Status UpdatePolicyContent(Session& s, int64_t id, PolicyStatus from, const PolicyRow& row,
                           const std::string& now);
Status SetPolicySubmitted(Session& s, int64_t id, const std::string& now);
Status SetPolicyRejected(Session& s, int64_t id, const std::string& reason, const std::string& now);
Status SetPolicyPublished(Session& s, int64_t id, const PublishRecord& rec,
                          std::optional<int64_t> approved_by, const std::string& now);
Status SetPolicySuperseded(Session& s, int64_t id, int64_t successor, const std::string& now);
Status SetPolicyRepealed(Session& s, int64_t id, core::Date on, const std::string& reason,
                         const std::string& now);
Status AddPolicyLink(Session& s, int64_t id, LinkKind kind, int64_t target);

Result<Page<Policy>> QueryPublishedPolicies(Session& s, const ListFilter& f, core::Date today);
Result<Page<Policy>> QueryDepartmentPolicies(Session& s, std::optional<int64_t> department_id,
                                             const std::string& status, int page, int page_size);
//! Every draft/in-review/published/superseded/repealed policy for supervision.
Result<std::vector<Policy>> LoadAllPolicies(Session& s);

// --- items -----------------------------------------------------------------------------------
Result<Item> LoadItem(Session& s, int64_t id);
Result<std::optional<int64_t>> ItemIdByKey(Session& s, const std::string& key);
Result<std::vector<CatalogueEntry>> LoadCatalogue(Session& s);
Result<CatalogueEntry> CatalogueById(Session& s, int64_t id);
Result<int64_t> InsertCatalogueName(Session& s, const std::string& name, const std::string& normalized,
                                    int64_t department_id, const std::string& now);

struct NewItemMeta {
  int64_t policy_root_id = 0;
  int64_t catalogue_id = 0;
  std::string key;
  std::optional<int64_t> created_by;
  std::string now;
  GuideTiming timing;
};
Result<int64_t> InsertItem(Session& s, const ItemRow& row, const NewItemMeta& meta);
//! `action`: "edit" or "edit_published" (the status it was read in is kept).
Status UpdateItemContent(Session& s, int64_t id, ItemStatus from, const ItemRow& row,
                         const GuideTiming& timing, const std::string& now);
//! `action` of ItemMachine from `from`; the new status is the edge's target.
Status SetItemStatus(Session& s, int64_t id, std::string_view action, ItemStatus from,
                     const GuideTiming& timing, const std::string& now);

Result<std::vector<Item>> LoadItemsOfLineage(Session& s, int64_t root_id);
Result<Page<Item>> QueryPublishedItems(Session& s, const ListFilter& f, core::Date today);
Result<Page<Item>> QueryDepartmentItems(Session& s, std::optional<int64_t> department_id, int page,
                                        int page_size);
Result<std::vector<Item>> LoadAllItems(Session& s);

// --- taxonomy --------------------------------------------------------------------------------
Result<std::vector<CodeLabel>> LoadPolicyTypes(Session& s);
Result<std::vector<CodeLabel>> LoadTagGroups(Session& s);
Result<std::vector<Tag>> LoadTags(Session& s, const std::string& group);
Status InsertPolicyType(Session& s, const CodeLabel& t, const std::string& now);
Result<Tag> InsertTag(Session& s, const std::string& group, const std::string& name,
                      std::optional<int64_t> by, const std::string& now);

//! "320400" → "3204%": GB/T 2260 codes below a division share its prefix without trailing "00".
std::string RegionPrefixPattern(const std::string& code);

}  // namespace huiqi::policy::detail
