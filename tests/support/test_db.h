#pragma once
// Databases for tests: every storage test runs against both backends (TEST_P over Backends()).
// SQLite: a fresh file in a temp directory. PostgreSQL: a fresh database on a private server
// that this library starts once per test binary (initdb in a temp dir, a free loopback port,
// run as the postgres user when the test runs as root) and stops at exit. Set
// HUIQI_TEST_PG_URL=postgresql://… to use an existing server instead (a database is still
// created per test).

#include <memory>
#include <string>
#include <vector>

#include "store/database.h"

namespace huiqi::testing {

std::vector<store::Kind> Backends();
std::string BackendName(store::Kind kind);

//! A fresh, migrated, empty database of `kind`. Aborts the test (FAIL) when it cannot be made.
std::unique_ptr<store::Database> FreshDatabase(store::Kind kind);
//! A fresh, empty database without migrations, and its URL.
std::unique_ptr<store::Database> FreshEmptyDatabase(store::Kind kind, std::string* url = nullptr);

//! A new empty temporary directory, removed at exit.
std::string TempDir();
//! The project's data directory (HUIQI_DATA_DIR, set by CTest).
std::string DataDir();

//! gtest parameter-name printer: INSTANTIATE_TEST_SUITE_P(All, X, ValuesIn(Backends()), PrintBackend)
struct PrintBackend {
  template <class ParamInfo>
  std::string operator()(const ParamInfo& info) const {
    return BackendName(info.param);
  }
};

}  // namespace huiqi::testing
