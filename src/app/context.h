#pragma once
// Opening what commands need: the database (migrated), reference data, the calendar.

#include <filesystem>
#include <memory>

#include "app/config.h"
#include "core/calendar.h"
#include "core/reference_data.h"
#include "secrets/keys.h"
#include "store/database.h"

namespace huiqi::app {

//! Opens the database and applies pending migrations; prints the error and throws ExitCode on
//! failure.
std::unique_ptr<store::Database> OpenMigratedDatabase(const CommonOptions& common);
//! The calendar from data/holidays plus the administrators' additions stored in the database.
//! `db` may be null (files only).
core::WorkCalendar LoadCalendar(const CommonOptions& common, store::Database* db);
core::ReferenceData LoadReferenceData(const CommonOptions& common);
//! The state directory (CommonOptions::state_dir, or derived from the database URL), created.
std::filesystem::path StateDir(const CommonOptions& common);
//! The platform key ring from --key-file (default StateDir/huiqi.key, created when missing).
secrets::KeyRing LoadKeyRing(const CommonOptions& common);
//! Where this deployment's audit checkpoint lives: beside a SQLite file ("huiqi.db" →
//! "huiqi.db.audit-checkpoint"), else StateDir/audit-checkpoint.json.
std::filesystem::path CheckpointPath(const CommonOptions& common);
//! The passphrase the departments' seal keys are stored under, derived from the key ring's
//! first key (stable when keys are added).
std::string SealPassphrase(const secrets::KeyRing& keys);
//! Prints an error for the user (Chinese and English) to stderr and throws ExitCode{code}.
[[noreturn]] void Fail(const core::Error& error, int code = 1);

}  // namespace huiqi::app
