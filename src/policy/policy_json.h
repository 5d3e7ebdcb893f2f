#pragma once
//! JSON forms of the policy library's types, shared by the HTTP API, the audit rows and the
//! demo loader. Coded fields carry their Chinese label beside the code
//! ({"level": "municipal", "level_label": "市级"}). The *FromJson parsers validate shapes and
//! codes; their errors name the offending field (e.g. "items[2].materials[0].name" is reported
//! by the caller as "materials[0].name").

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "policy/policy.h"

namespace huiqi::policy {

//! The full document (original text, interpretation, highlights, attachments, links).
nlohmann::json PolicyToJson(const Policy& p);
//! For lists: everything except the full text and the interpretation text.
nlohmann::json PolicySummaryJson(const Policy& p);
nlohmann::json VersionJson(const PolicyVersion& v);
//! The item guide as one document (常州办法 第十四条).
nlohmann::json ItemToJson(const Item& it);
nlohmann::json ItemSummaryJson(const Item& it);
nlohmann::json CatalogueEntryJson(const CatalogueEntry& e);
nlohmann::json TagJson(const Tag& t);
nlohmann::json SupervisionJson(const SupervisionReport& r);
//! Only the per-department counts: {"as_of", "departments": [{code, name, counts{kind: n}, total}]}.
nlohmann::json SupervisionCountsJson(const SupervisionReport& r);

//! Keys: title, doc_number, level, types[], region, departments[] (codes, lead first),
//! signed_on, upstream_released_on, valid_from, valid_to (YYYY-MM-DD), full_text,
//! interpretation{author_department, text}, highlights[], attachments[{name, url, sha256,
//! size, content_type}], tags[], links[{type, target_id}].
core::Result<PolicyInput> PolicyInputFromJson(const nlohmann::json& j);
//! Keys: name, catalogue_id, confirm_new_name, department, service_mode, region,
//! implementing_body, scope, target, period_type, window_start, window_end, subsidy_standard,
//! conditions[], rule (or rule_text), amount (object, or amount_json text), exclusive_group,
//! channels, consult_phone, supervise_phone, no_application, materials[{name, form, required,
//! type, source, exempt, template, sample}], process[{stage, department, days}], tags[].
core::Result<ItemInput> ItemInputFromJson(const nlohmann::json& j);

}  // namespace huiqi::policy
