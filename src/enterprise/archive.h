#pragma once
// The enterprise archive in the database: bulk writes (synthetic data, imports) and reading the
// whole archive back as rule facts for the in-memory engines.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/date.h"
#include "rules/evaluator.h"
#include "store/database.h"

namespace huiqi::enterprise {

struct EnterpriseRecord {
  std::string uscc;
  std::string name;
  rules::Facts facts;  // built-in attributes at the rule scales; `scale` is derived before writing
};

class Archive {
 public:
  //! `db` and `clock` are not owned.
  Archive(store::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  //! Inserts new enterprises in one transaction (multi-row statements); derives `scale`.
  //! kConflict when a USCC exists already (nothing is written then).
  core::Status InsertBatch(const std::vector<EnterpriseRecord>& batch);
  //! Every enterprise as (id, facts), in id order.
  core::Result<std::vector<std::pair<int64_t, rules::Facts>>> LoadAllFacts();
  core::Result<int64_t> Count();

 private:
  store::Database& db_;
  const core::Clock& clock_;
};

//! Fills facts["scale"] from industry, employees, revenue and assets (or removes it when the
//! standard cannot decide).
void DeriveScale(rules::Facts& facts);

}  // namespace huiqi::enterprise
