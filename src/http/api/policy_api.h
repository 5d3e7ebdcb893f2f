#pragma once
// The policy library over HTTP (常州办法 第二、三章; 江阴办法 第三章).
// Public: published policies and items with filters and paging, the item guide as one document
// (with its eligibility rule in plain Chinese), policy types and tags.
// Department staff: their own department's policies and items through the lifecycle; the service
// checks ownership again. Platform admin: supervision, tags, policy types.
// Routes and shapes: docs/api.md.

#include "core/reference_data.h"
#include "http/router.h"
#include "policy/policy_service.h"
#include "rules/schema.h"

namespace huiqi::http {

void RegisterPolicyApi(Router& router, policy::PolicyService& policies, const rules::Schema& schema,
                       const core::ReferenceData& reference);

//! Plain-Chinese lines of an item's rule and amount, for the guide ({conditions: [..], amount: ".."}).
nlohmann::json RuleDescriptionJson(const policy::Item& item, const rules::Schema& schema,
                                   const core::ReferenceData& reference);

}  // namespace huiqi::http
