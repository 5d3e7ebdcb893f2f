#include "app/context.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/commands.h"
#include "calendar/calendar_service.h"
#include "store/migrations.h"

namespace huiqi::app {

void Fail(const core::Error& error, int code) {
  std::cerr << "错误：" << error.message;
  if (!error.field.empty()) std::cerr << "（字段 " << error.field << "）";
  std::cerr << "\nerror: " << error.ToString() << "\n";
  throw ExitCode{code};
}

std::unique_ptr<store::Database> OpenMigratedDatabase(const CommonOptions& common) {
  auto db = store::Database::Open(common.db_url);
  if (!db.ok()) Fail(db.error());
  auto version = store::Migrate(**db);
  if (!version.ok()) Fail(version.error());
  return std::move(db).value();
}

core::WorkCalendar LoadCalendar(const CommonOptions& common, store::Database* db) {
  auto cal = core::WorkCalendar::LoadDirectory(std::filesystem::path(common.data_dir) / "holidays");
  if (!cal.ok()) Fail(cal.error());
  if (db != nullptr) {
    auto st = calendar::LoadOverrides(*db, *cal);
    if (!st.ok()) Fail(st.error());
  }
  return std::move(cal).value();
}

core::ReferenceData LoadReferenceData(const CommonOptions& common) {
  auto ref = core::ReferenceData::Load(std::filesystem::path(common.data_dir) / "reference");
  if (!ref.ok()) Fail(ref.error());
  return std::move(ref).value();
}

std::filesystem::path StateDir(const CommonOptions& common) {
  std::filesystem::path dir;
  if (!common.state_dir.empty()) {
    dir = common.state_dir;
  } else if (common.db_url.rfind("sqlite:", 0) == 0) {
    dir = std::filesystem::path(common.db_url.substr(7)).parent_path();
    if (dir.empty()) dir = ".";
  } else {
    dir = "var";
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return dir;
}

secrets::KeyRing LoadKeyRing(const CommonOptions& common) {
  std::filesystem::path file =
      common.key_file.empty() ? StateDir(common) / "huiqi.key" : std::filesystem::path(common.key_file);
  auto ring = secrets::KeyRing::LoadOrCreate(file);
  if (!ring.ok()) Fail(ring.error());
  return std::move(ring).value();
}

std::string SealPassphrase(const secrets::KeyRing& keys) {
  return keys.LookupHash("seal-keys", "seal-passphrase");
}

std::filesystem::path CheckpointPath(const CommonOptions& common) {
  if (common.db_url.rfind("sqlite:", 0) == 0) return common.db_url.substr(7) + ".audit-checkpoint";
  // One file per database (host, port and name; the password is not part of the name), so two
  // databases sharing a state directory never read each other's checkpoint.
  std::string url = common.db_url;
  if (auto at = url.rfind('@'); at != std::string::npos) url = url.substr(at + 1);
  std::string name;
  for (char c : url) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return StateDir(common) / ("audit-checkpoint-" + name.substr(0, 100) + ".json");
}

void AddCommonOptions(CLI::App& sub, CommonOptions& common) {
  // Every subcommand binds the same variables, so the environment is read once as the default
  // (ApplyEnvironment) rather than through CLI11's envname, whose unused copies would overwrite
  // a flag given on the command line.
  sub.add_option("--db", common.db_url,
                 "数据库地址 database URL: sqlite:PATH or postgresql://… (env HUIQI_DB)")
      ->capture_default_str();
  sub.add_option("--data-dir", common.data_dir,
                 "数据目录 data directory: holidays/, reference/, demo/ (env HUIQI_DATA_DIR)")
      ->capture_default_str();
  sub.add_option("--key-file", common.key_file,
                 "密钥文件 the platform's secret keys (env HUIQI_KEY_FILE; default <state dir>/huiqi.key)");
  sub.add_option("--state-dir", common.state_dir,
                 "状态目录 key file, audit checkpoint, SMS file (env HUIQI_STATE_DIR; default beside the "
                 "SQLite file, or var/)");
}

void ApplyEnvironment(CommonOptions& common) {
  if (const char* db = std::getenv("HUIQI_DB"); db && *db) common.db_url = db;
  if (const char* dir = std::getenv("HUIQI_DATA_DIR"); dir && *dir) common.data_dir = dir;
  if (const char* key = std::getenv("HUIQI_KEY_FILE"); key && *key) common.key_file = key;
  if (const char* state = std::getenv("HUIQI_STATE_DIR"); state && *state) common.state_dir = state;
}

}  // namespace huiqi::app
