#pragma once
//! The policy library as a service: policies through their lifecycle, items and their guides,
//! the item-name catalogue, the tag taxonomy and deadline supervision.
//!
//! Lifecycle (常州办法 第八、十条; 江阴办法 第十二条):
//!   draft --submit--> in_review --publish--> published --revise--> (new draft, version + 1)
//!   in_review --reject--> draft;  published --repeal--> repealed
//!   publishing a revision marks the previous published version superseded (still readable).
//! Any other move fails with kFailedPrecondition, code "illegal_transition".
//!
//! Authorization: route roles are declared in http/, and the service checks them again together
//! with ownership: staff act only on policies whose lead department is theirs, and on items of
//! their department (auth::RequireDepartment); a platform admin may act on any.
//! Every state change is one transaction with its audit row.
//! Thread-safe: all state is in the database; `db`, `clock` and `calendar` are not owned and
//! must outlive the service.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/calendar.h"
#include "core/date.h"
#include "policy/policy.h"
#include "rules/schema.h"
#include "store/database.h"

namespace huiqi::policy {

//! Import-only options of a publication. Honoured for platform admins only (the demo loader,
//! data migration); staff always publish "today".
struct PublishOptions {
  std::optional<core::Date> published_on;
};

class PolicyService {
 public:
  //! `schema` (items' rules and amounts are checked against it) defaults to the built-in one.
  PolicyService(store::Database& db, const core::Clock& clock, const core::WorkCalendar& calendar,
                const rules::Schema* schema = nullptr)
      : db_(db), clock_(clock), calendar_(calendar), schema_(schema ? *schema : rules::BuiltinSchemaRef()) {}

  store::Database& db() { return db_; }
  const core::Clock& clock() const { return clock_; }
  const core::WorkCalendar& calendar() const { return calendar_; }
  const rules::Schema& schema() const { return schema_; }
  core::Date Today() const;

  // --- policies (staff) -------------------------------------------------------------------
  //! Policy officer or department admin of the lead department. Errors name the field
  //! (kInvalidArgument), kPermissionDenied for another department.
  core::Result<Policy> CreatePolicy(const auth::Principal& actor, const PolicyInput& in);
  //! Drafts only (kFailedPrecondition otherwise).
  core::Result<Policy> UpdatePolicy(const auth::Principal& actor, int64_t id, const PolicyInput& in);
  //! Policy officer: draft → in_review. Requires title, doc_number, full_text, the basis date.
  core::Result<Policy> SubmitPolicy(const auth::Principal& actor, int64_t id);
  //! Reviewer or department admin: in_review → draft; `reason` is required.
  core::Result<Policy> RejectPolicy(const auth::Principal& actor, int64_t id, const std::string& reason);
  //! Reviewer or department admin: approves 原文, 解读 and 干货 together and publishes them
  //! (常州办法 第八条); refused (kFailedPrecondition "publish_incomplete", listing every gap) when
  //! the interpretation or the highlights are missing. Records the deadline and lateness.
  core::Result<Policy> PublishPolicy(const auth::Principal& actor, int64_t id,
                                     const PublishOptions& options = {});
  //! Policy officer: a new draft version of a published policy (one open draft per lineage).
  core::Result<Policy> RevisePolicy(const auth::Principal& actor, int64_t id);
  //! Reviewer or department admin: published → repealed.
  core::Result<Policy> RepealPolicy(const auth::Principal& actor, int64_t id, core::Date repealed_on,
                                    const std::string& reason);

  //! A policy by id. `viewer` null = the public: only published, superseded and repealed
  //! versions are visible (kNotFound otherwise); staff of the lead department and admins see
  //! drafts too.
  core::Result<Policy> GetPolicy(const auth::Principal* viewer, int64_t id);
  //! Every version of the policy's lineage visible to `viewer`, oldest first.
  core::Result<std::vector<PolicyVersion>> Versions(const auth::Principal* viewer, int64_t id);
  //! Published, current policies matching the filter, newest publication first.
  core::Result<Page<Policy>> ListPublishedPolicies(const ListFilter& filter);
  //! Staff: policies of the actor's department (admins: all) in any status; `status` may be
  //! empty (any) or a status code.
  core::Result<Page<Policy>> ListDepartmentPolicies(const auth::Principal& actor, const std::string& status,
                                                    int page, int page_size);

  // --- items ------------------------------------------------------------------------------
  //! Policy officer of the item's department (one of the policy's issuing departments).
  //! kConflict "similar_item_name" when the catalogue holds a near-duplicate name
  //! (常州办法 第十三条) — SimilarItemNames lists them — unless `catalogue_id` or
  //! `confirm_new_name` is given.
  core::Result<Item> CreateItem(const auth::Principal& actor, int64_t policy_id, const ItemInput& in);
  //! Draft or published items; the name is not changed (it belongs to the catalogue).
  core::Result<Item> UpdateItem(const auth::Principal& actor, int64_t id, const ItemInput& in);
  //! draft → published. Requires the policy published (else kFailedPrecondition
  //! "policy_not_published", field "policy", naming the policy and its status) and a complete
  //! guide (else "guide_incomplete", listing everything missing at once).
  core::Result<Item> PublishItem(const auth::Principal& actor, int64_t id,
                                 const PublishOptions& options = {});
  //! published → withdrawn.
  core::Result<Item> WithdrawItem(const auth::Principal& actor, int64_t id);
  //! Public: published items of a published policy; staff of the department and admins: any.
  core::Result<Item> GetItem(const auth::Principal* viewer, int64_t id);
  //! Every version of the item's rule, oldest first (visible as the item is).
  core::Result<std::vector<RuleVersion>> RuleVersions(const auth::Principal* viewer, int64_t item_id);
  //! Items of one policy lineage visible to `viewer`.
  core::Result<std::vector<Item>> ItemsOfPolicy(const auth::Principal* viewer, int64_t policy_id);
  core::Result<Page<Item>> ListPublishedItems(const ListFilter& filter);
  core::Result<Page<Item>> ListDepartmentItems(const auth::Principal& actor, int page, int page_size);
  //! Catalogue names similar to `name`, most similar first.
  core::Result<std::vector<CatalogueEntry>> SimilarItemNames(const std::string& name);

  // --- taxonomy ---------------------------------------------------------------------------
  core::Result<std::vector<CodeLabel>> ListPolicyTypes();
  //! Platform admin only.
  core::Result<CodeLabel> CreatePolicyType(const auth::Principal& actor, const CodeLabel& type);
  core::Result<std::vector<CodeLabel>> ListTagGroups();
  //! `group` empty = every group.
  core::Result<std::vector<Tag>> ListTags(const std::string& group);
  //! Platform admin only; kConflict "duplicate" for an existing name.
  core::Result<Tag> CreateTag(const auth::Principal& actor, const std::string& group,
                              const std::string& name);

  // --- supervision ------------------------------------------------------------------------
  //! Platform admin only: lateness and gaps per department as of today (from the clock).
  core::Result<SupervisionReport> Supervise(const auth::Principal& actor);
  //! Department staff: the same findings, only their own department's (常州办法 第五条).
  core::Result<SupervisionReport> SuperviseOwnDepartment(const auth::Principal& actor);

 private:
  core::Result<SupervisionReport> Collect(std::optional<int64_t> department_id);

  store::Database& db_;
  const core::Clock& clock_;
  const core::WorkCalendar& calendar_;
  const rules::Schema& schema_;
};

}  // namespace huiqi::policy
