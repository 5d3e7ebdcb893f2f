#pragma once
//! The demo content loader behind `huiqi seed-demo`: data/demo/tags.json (the tag taxonomy)
//! and data/demo/policies/*.json (policies with their items). Idempotent by each policy's and
//! item's `key`: what exists already is left alone, so a second run changes nothing. Each
//! policy (with its items) loads in one transaction, through the same validation and audit
//! as the API, acting as the platform (login "seed-demo"). Publication dates in the files are
//! kept, so lateness shows in supervision. Departments must exist (the accounts seed runs first).

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "policy/policy_service.h"

namespace huiqi::policy {

struct SeedReport {
  int tags_added = 0;
  int policies_added = 0;
  int policies_existing = 0;
  int items_added = 0;
  int items_existing = 0;
  int links_added = 0;
  //! Items left as drafts because their guide is incomplete, and similar notes (Chinese).
  std::vector<std::string> warnings;
};

//! Errors name the file and the policy key; a failed policy rolls back alone, the load stops
//! there (policies loaded before it stay).
core::Result<SeedReport> SeedDemo(PolicyService& service, const std::filesystem::path& demo_dir);

}  // namespace huiqi::policy
