#pragma once
// Which department owns each data source of the archive (税务 → the tax bureau, 人社 → human
// resources, …). Corrections an enterprise proposes go to the owner of the attribute's source,
// and only that department's reviewers see and resolve them (常州办法 第二十一条: the
// departments that collect the data keep it right). The platform admin governs the table.

#include <cstdint>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/date.h"
#include "core/error.h"
#include "rules/schema.h"
#include "store/database.h"

namespace huiqi::enterprise {

struct DataSourceOwner {
  std::string source;                    // "税务"
  std::optional<int64_t> department_id;  // none: the platform office handles it
  std::string department_code, department_name, updated_at;
  int attributes = 0;  // archive attributes with this source
};

//! Every source the schema's attributes name (derived ones excluded), with its owner if any.
core::Result<std::vector<DataSourceOwner>> ListDataSourceOwners(store::Database& db,
                                                                const rules::Schema& schema);
//! Sets (or replaces) the owner of `source`, audited. kInvalidArgument (field "department") for
//! an unknown department code, (field "source") for an empty source.
core::Status SetDataSourceOwner(store::Database& db, const core::Clock& clock, const audit::Actor& actor,
                                const std::string& source, const std::string& department_code);

}  // namespace huiqi::enterprise
