// huiqi backup --out DIR | huiqi restore --from DIR, and the scheduled backups of `huiqi serve`
// (issue 16 item 5; docs/reliability.md "Backup and restore").
//
// A backup directory holds manifest.json, database.sqlite or database.pgdump, files/ (the
// uploaded materials), audit-checkpoint.json and, unless kept apart, huiqi.key. The manifest's
// table checksums are computed from the same snapshot the copy holds: SQLite's from the copy
// itself, PostgreSQL's inside the transaction whose exported snapshot pg_dump reads.

#include <fcntl.h>
#include <openssl/evp.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/commands.h"
#include "app/context.h"
#include "app/search_context.h"
#include "audit/audit_log.h"
#include "core/date.h"
#include "files/file_store.h"
#include "schedule/scheduler.h"

extern char** environ;

namespace huiqi::app {

namespace fs = std::filesystem;
using core::ErrorKind;
using core::MakeError;
using nlohmann::json;

namespace {

struct BackupFlags {
  bool include_key = true;  // --without-key: never copy the key file, even from the state dir
};

struct BackupSummary {
  int64_t tables = 0, rows = 0, files = 0, bytes = 0;
  double seconds = 0;
};

constexpr int kManifestVersion = 1;
constexpr const char* kSqliteFile = "database.sqlite";
constexpr const char* kPgDumpFile = "database.pgdump";
constexpr const char* kKeyFile = "huiqi.key";
constexpr const char* kCheckpointFile = "audit-checkpoint.json";
constexpr int64_t kRowsPerPage = 5000;

core::Error IoError(const std::string& what, const fs::path& path) {
  return MakeError(ErrorKind::kUnavailable, "backup_io", "备份读写失败：" + what + " " + path.string(),
                   "backup I/O failed: " + what + " " + path.string());
}

// ---------------------------------------------------------------------------------------------
// Checksums over table rows: SHA-256 of each value with its type and length, rows in primary-key
// order, pages of kRowsPerPage rows in one read transaction (the same snapshot throughout).

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void Update(std::string_view s) { EVP_DigestUpdate(ctx_.get(), s.data(), s.size()); }
  std::string Hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &n);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
      out += kHex[md[i] >> 4];
      out += kHex[md[i] & 15];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

struct TableDigest {
  std::string name;
  int64_t rows = 0;
  std::string sha256;
};

constexpr store::Statement kSqliteTables{
    "backup.sqlite_tables",
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "ORDER BY name"};
constexpr store::Statement kPgTables{
    "backup.pg_tables",
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() "
    "AND table_type = 'BASE TABLE' ORDER BY table_name"};
// Columns in order, with their place in the primary key (1-based; 0 = not part of it). indkey is an
// int2vector, whose array starts at subscript 0.
constexpr store::Statement kSqliteColumns{"backup.sqlite_columns",
                                          "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid"};
constexpr store::Statement kPgColumns{
    "backup.pg_columns",
    "SELECT a.attname AS name, COALESCE(array_position(i.indkey::int2[], a.attnum) - "
    "array_lower(i.indkey::int2[], 1) + 1, 0) AS pk "
    "FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary "
    "WHERE a.attrelid = to_regclass(quote_ident(?)) AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY a.attnum"};

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

//! ORDER BY the primary key, or by every column where a table has none.
core::Result<std::string> OrderByOf(store::Session& s, const std::string& table) {
  bool pg = s.kind() == store::Kind::kPostgres;
  HQ_ASSIGN_OR_RETURN(auto cols, s.Query(pg ? kPgColumns : kSqliteColumns, {table}));
  std::vector<std::pair<int64_t, std::string>> key;
  std::string all;
  for (const auto& c : cols) {
    if (c.Int("pk") > 0) key.emplace_back(c.Int("pk"), QuoteIdent(c.Text("name")));
    all += (all.empty() ? "" : ", ") + QuoteIdent(c.Text("name"));
  }
  if (key.empty()) return all;
  std::sort(key.begin(), key.end());
  std::string out;
  for (const auto& [pos, name] : key) out += (out.empty() ? "" : ", ") + name;
  return out;
}

void HashValue(Sha256& h, const store::Value& v) {
  if (std::holds_alternative<std::monostate>(v)) {
    h.Update("N;");
  } else if (auto i = std::get_if<int64_t>(&v)) {
    h.Update("I" + std::to_string(*i) + ";");
  } else if (auto d = std::get_if<double>(&v)) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "D%.17g;", *d);
    h.Update(buf);
  } else {
    const auto& t = std::get<std::string>(v);
    h.Update("T" + std::to_string(t.size()) + ":");
    h.Update(t);
  }
}

core::Result<TableDigest> DigestTable(store::Session& s, const std::string& table) {
  HQ_ASSIGN_OR_RETURN(std::string order, OrderByOf(s, table));
  // Identifiers come from the database's own catalogue, quoted; no user text reaches this SQL.
  const std::string sql = "SELECT * FROM " + QuoteIdent(table) + " ORDER BY " + order + " LIMIT ? OFFSET ?";
  const store::Statement page{"backup.table_rows", sql};
  TableDigest d{table, 0, ""};
  Sha256 h;
  while (true) {
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(page, {kRowsPerPage, d.rows}));
    for (const auto& r : rows) {
      for (size_t i = 0; i < r.size(); ++i) HashValue(h, r.at(i));
      h.Update("\n");
    }
    d.rows += static_cast<int64_t>(rows.size());
    if (static_cast<int64_t>(rows.size()) < kRowsPerPage) break;
  }
  d.sha256 = h.Hex();
  return d;
}

core::Result<std::vector<TableDigest>> DigestTables(store::Session& s) {
  HQ_ASSIGN_OR_RETURN(auto tables, s.Query(s.kind() == store::Kind::kPostgres ? kPgTables : kSqliteTables));
  std::vector<TableDigest> out;
  for (const auto& t : tables) {
    HQ_ASSIGN_OR_RETURN(auto d, DigestTable(s, t.Text("name")));
    out.push_back(std::move(d));
  }
  return out;
}

core::Result<std::vector<TableDigest>> DigestDatabase(store::Database& db) {
  return db.ReadValue<std::vector<TableDigest>>([](store::Session& s) { return DigestTables(s); });
}

json TablesJson(const std::vector<TableDigest>& tables) {
  json out = json::array();
  for (const auto& t : tables) out.push_back({{"name", t.name}, {"rows", t.rows}, {"sha256", t.sha256}});
  return out;
}

// ---------------------------------------------------------------------------------------------
// Files: durable writes and copies, the PostgreSQL tools.

core::Status SyncPath(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return IoError("open", path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("fsync", path);
  return core::Ok();
}

core::Status WriteDurably(const fs::path& path, const std::string& content) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) return IoError("write", path);
  }
  return SyncPath(path, false);
}

core::Status CopyDurably(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (!fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec)) return IoError("copy", from);
  return SyncPath(to, false);
}

//! Copies every regular file under `from` (but its tmp/: uploads in flight) to `to`.
core::Status CopyTree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::exists(from, ec)) return core::Ok();
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    fs::path rel = fs::relative(it->path(), from);
    if (rel == "tmp") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) HQ_RETURN_IF_ERROR(CopyDurably(it->path(), to / rel));
  }
  if (ec) return IoError("list", from);
  return core::Ok();
}

//! Every regular file under `dir` (relative, '/'-separated) but manifest.json, sorted.
std::vector<std::string> ListFiles(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string rel = fs::relative(it->path(), dir).generic_string();
    if (rel != "manifest.json") out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

//! pg_dump / pg_restore: HUIQI_PG_BIN, else the newest /usr/lib/postgresql/*/bin, else PATH.
std::string PgTool(const std::string& name) {
  if (const char* env = std::getenv("HUIQI_PG_BIN"); env && *env) return (fs::path(env) / name).string();
  std::vector<fs::path> bins;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (fs::exists(e.path() / "bin" / name)) bins.push_back(e.path() / "bin" / name);
  std::sort(bins.begin(), bins.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoi(a.parent_path().parent_path().filename().string()) <
           std::stoi(b.parent_path().parent_path().filename().string());
  });
  return bins.empty() ? name : bins.back().string();
}

//! Runs a program (no shell) and waits; its output goes to ours.
core::Status RunTool(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) {
    return MakeError(ErrorKind::kUnavailable, "tool_missing", "无法启动 " + argv[0],
                     "cannot start " + argv[0]);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return MakeError(
        ErrorKind::kUnavailable, "tool_failed", fs::path(argv[0]).filename().string() + " 执行失败",
        fs::path(argv[0]).filename().string() + " failed (status " + std::to_string(status) + ")");
  }
  return core::Ok();
}

fs::path KeyPathOf(const CommonOptions& common) {
  return common.key_file.empty() ? StateDir(common) / "huiqi.key" : fs::path(common.key_file);
}

bool IsInside(const fs::path& file, const fs::path& dir) {
  auto f = fs::weakly_canonical(file).generic_string(), d = fs::weakly_canonical(dir).generic_string();
  return f.size() > d.size() && f.compare(0, d.size(), d) == 0 && f[d.size()] == '/';
}

// ---------------------------------------------------------------------------------------------
// Backup.

//! The database into `tmp`, with the checksums of exactly what was copied.
core::Result<std::vector<TableDigest>> CopyDatabase(const CommonOptions& common, store::Database& db,
                                                    const fs::path& tmp) {
  if (db.kind() == store::Kind::kSqlite) {
    const fs::path copy = tmp / kSqliteFile;
    HQ_RETURN_IF_ERROR(db.SnapshotToFile(copy.string()));
    HQ_ASSIGN_OR_RETURN(auto snapshot, store::Database::Open("sqlite:" + copy.string()));
    return DigestDatabase(*snapshot);
  }
  // pg_dump reads the snapshot this transaction exports, so the checksums below describe
  // the very rows in the dump even while a server keeps writing.
  static constexpr store::Statement kExport{"backup.export_snapshot", "SELECT pg_export_snapshot() AS id"};
  return db.ReadValue<std::vector<TableDigest>>(
      [&](store::Session& s) -> core::Result<std::vector<TableDigest>> {
        HQ_ASSIGN_OR_RETURN(auto snap, s.QueryOne(kExport, {}, "快照", "snapshot"));
        HQ_RETURN_IF_ERROR(RunTool({PgTool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                                    "--snapshot=" + snap.Text("id"), "--file=" + (tmp / kPgDumpFile).string(),
                                    "--dbname=" + common.db_url}));
        return DigestTables(s);
      });
}

core::Result<json> FilesJson(const fs::path& dir, int64_t& bytes) {
  json out = json::array();
  for (const auto& rel : ListFiles(dir)) {
    HQ_ASSIGN_OR_RETURN(std::string sha, files::Sha256OfFile(dir / rel));
    auto size = static_cast<int64_t>(fs::file_size(dir / rel));
    bytes += size;
    out.push_back({{"path", rel}, {"bytes", size}, {"sha256", sha}});
  }
  return out;
}

core::Status FillBackup(const CommonOptions& common, store::Database& db, const fs::path& tmp,
                        const BackupFlags& flags, BackupSummary& summary, const core::TimePoint started) {
  // The checkpoint first: it only moves forward, so the database copied after it reaches it.
  std::error_code ec;
  const fs::path checkpoint = CheckpointPath(common);
  const bool has_checkpoint = fs::exists(checkpoint, ec);
  if (has_checkpoint) HQ_RETURN_IF_ERROR(CopyDurably(checkpoint, tmp / kCheckpointFile));
  const fs::path key = KeyPathOf(common);
  const bool with_key = flags.include_key && fs::exists(key, ec) && IsInside(key, StateDir(common));
  if (with_key) HQ_RETURN_IF_ERROR(CopyDurably(key, tmp / kKeyFile));
  HQ_ASSIGN_OR_RETURN(auto tables, CopyDatabase(common, db, tmp));
  // Files after the database: every file a copied row names was stored before its row.
  HQ_RETURN_IF_ERROR(CopyTree(StateDir(common) / "files", tmp / "files"));
  HQ_ASSIGN_OR_RETURN(json files, FilesJson(tmp, summary.bytes));
  for (const auto& t : tables) summary.rows += t.rows;
  summary.tables = static_cast<int64_t>(tables.size());
  summary.files = static_cast<int64_t>(files.size());
  json manifest = {
      {"format", "huiqi-backup"},
      {"version", kManifestVersion},
      {"created_at", core::FormatTimestamp(started)},
      {"created_unix", core::UnixSeconds(started)},
      {"database", {{"kind", store::KindName(db.kind())}, {"url", db.DisplayUrl()}}},
      {"key_included", with_key},
      {"checkpoint_included", has_checkpoint},
      {"search_index", "not included: rebuilt by huiqi restore"},
      {"tables", TablesJson(tables)},
      {"files", files},
  };
  HQ_RETURN_IF_ERROR(WriteDurably(tmp / "manifest.json", manifest.dump(2) + "\n"));
  for (auto it = fs::recursive_directory_iterator(tmp, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_directory()) HQ_RETURN_IF_ERROR(SyncPath(it->path(), true));
  return SyncPath(tmp, true);
}

//! Writes a complete backup of `db` to the new directory `out`: first into a hidden temp
//! directory beside it, renamed to `out` only when everything is written and synced, so a crash
//! never leaves a half backup under the final name. Safe while a server writes to the database.
//! kConflict when `out` exists; the temp directory is removed on failure.
core::Result<BackupSummary> WriteBackup(const CommonOptions& common, store::Database& db,
                                        const fs::path& out_arg, const BackupFlags& flags) {
  const auto t0 = std::chrono::steady_clock::now();
  const core::TimePoint started = std::chrono::system_clock::now();
  const fs::path out = fs::absolute(out_arg);
  std::error_code ec;
  if (fs::exists(out, ec)) {
    return MakeError(ErrorKind::kConflict, "backup_exists", "备份目录已存在：" + out.string(),
                     "backup directory already exists: " + out.string(), "out");
  }
  // Hidden and named apart from any backup: a crash leaves it incomplete-looking, never complete.
  const fs::path tmp =
      out.parent_path() / ("." + out.filename().string() + ".tmp-" + std::to_string(getpid()));
  fs::remove_all(tmp, ec);
  if (!fs::create_directories(tmp, ec)) return IoError("mkdir", tmp);
  BackupSummary summary;
  core::Status st = FillBackup(common, db, tmp, flags, summary, started);
  if (st.ok()) {
    fs::rename(tmp, out, ec);
    st = ec ? core::Status(IoError("rename", out)) : SyncPath(out.parent_path(), true);
  }
  if (!st.ok()) {
    fs::remove_all(tmp, ec);
    return st.error();
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

// ---------------------------------------------------------------------------------------------
// Restore.

core::Result<json> ReadManifest(const fs::path& from) {
  std::ifstream in(from / "manifest.json");
  json m = in.is_open() ? json::parse(in, nullptr, false) : json();
  if (m.is_discarded() || !m.is_object() || m.value("format", "") != "huiqi-backup") {
    return MakeError(ErrorKind::kInvalidArgument, "backup_manifest",
                     "不是完整的备份（缺少或无法读取 manifest.json）",
                     "not a complete backup: manifest.json missing or unreadable", "from");
  }
  if (m.value("version", 0) != kManifestVersion) {
    return MakeError(ErrorKind::kInvalidArgument, "backup_version", "不支持的备份版本",
                     "unsupported backup version", "from");
  }
  return m;
}

//! Every file the manifest lists, at `dir` (the backup, or where it was restored), by SHA-256.
core::Status CheckFiles(const json& manifest, const fs::path& dir, const std::string& prefix = "") {
  for (const auto& f : manifest["files"]) {
    std::string rel = f.value("path", "");
    if (!prefix.empty() && rel.rfind(prefix, 0) != 0) continue;
    auto sha = files::Sha256OfFile(dir / (prefix.empty() ? rel : rel.substr(prefix.size())));
    if (!sha.ok() || *sha != f.value("sha256", "")) {
      return MakeError(ErrorKind::kFailedPrecondition, "backup_checksum", "文件校验和不符：" + rel,
                       "file checksum mismatch: " + rel, "from");
    }
  }
  return core::Ok();
}

core::Status CheckTables(const json& manifest, store::Database& db) {
  HQ_ASSIGN_OR_RETURN(auto tables, DigestDatabase(db));
  json now = TablesJson(tables);
  if (now == manifest["tables"]) return core::Ok();
  std::string bad;
  for (const auto& t : manifest["tables"]) {
    auto it = std::find_if(now.begin(), now.end(), [&](const json& n) { return n["name"] == t["name"]; });
    if (it == now.end() || *it != t) bad += (bad.empty() ? "" : ", ") + t.value("name", "");
  }
  if (bad.empty()) bad = "(extra tables)";
  return MakeError(ErrorKind::kFailedPrecondition, "restore_checksum", "恢复后数据表校验和不符：" + bad,
                   "table checksums differ after restore: " + bad);
}

bool NonEmptyDir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && !fs::is_empty(dir, ec);
}

//! What in the target already holds data ("" when it is all empty).
core::Result<std::vector<std::string>> NonEmptyTargets(const CommonOptions& common, const json& manifest) {
  std::vector<std::string> found;
  std::error_code ec;
  const bool sqlite = common.db_url.rfind("sqlite:", 0) == 0;
  if (manifest["database"].value("kind", "") != (sqlite ? "sqlite" : "postgresql")) {
    return MakeError(ErrorKind::kInvalidArgument, "restore_kind", "备份的数据库类型与目标不同",
                     "the backup's database kind differs from the target's", "db");
  }
  if (sqlite) {
    fs::path file = common.db_url.substr(7);
    if (fs::file_size(file, ec) > 0 && !ec) found.push_back("数据库文件 database file " + file.string());
  } else {
    auto db = store::Database::Open(common.db_url);
    if (!db.ok()) return db.error();
    static constexpr store::Statement kCount{"restore.count_tables",
                                             "SELECT COUNT(*) AS n FROM information_schema.tables "
                                             "WHERE table_schema = current_schema()"};
    HQ_ASSIGN_OR_RETURN(auto n, (*db)->ReadValue<int64_t>([](store::Session& s) -> core::Result<int64_t> {
      HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kCount, {}, "表数", "table count"));
      return row.Int("n");
    }));
    if (n > 0)
      found.push_back("数据库 database " + (*db)->DisplayUrl() + " (" + std::to_string(n) + " tables)");
  }
  const fs::path files = StateDir(common) / "files";
  if (NonEmptyDir(files)) found.push_back("上传文件目录 files directory " + files.string());
  if (fs::exists(CheckpointPath(common), ec))
    found.push_back("审计检查点 audit checkpoint " + CheckpointPath(common).string());
  return found;
}

//! The key: the backup's (refusing another key already at the target), or one that must be there.
core::Status CheckKey(const CommonOptions& common, const json& manifest, const fs::path& from) {
  const fs::path key = KeyPathOf(common);
  std::error_code ec;
  const bool exists = fs::exists(key, ec);
  if (manifest.value("key_included", false)) {
    if (exists && *files::Sha256OfFile(key) != *files::Sha256OfFile(from / kKeyFile)) {
      return MakeError(ErrorKind::kFailedPrecondition, "restore_target_not_empty",
                       "目标已有另一把密钥：" + key.string(),
                       "another key file is at the target: " + key.string(), "key-file");
    }
    return core::Ok();
  }
  if (!exists) {
    return MakeError(ErrorKind::kFailedPrecondition, "restore_key_missing",
                     "备份不含密钥文件：请先把原部署的密钥放到 " + key.string() + "（或用 --key-file 指定）",
                     "the backup holds no key file: put the deployment's key at " + key.string() +
                         " (or pass --key-file) first",
                     "key-file");
  }
  return core::Ok();
}

//! A file into place: copied beside the target, synced, renamed.
core::Status PlaceFile(const fs::path& from, const fs::path& to, bool secret = false) {
  fs::path tmp = to.string() + ".restore-tmp";
  HQ_RETURN_IF_ERROR(CopyDurably(from, tmp));
  std::error_code ec;
  if (secret) fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, ec);
  fs::rename(tmp, to, ec);
  if (ec) return IoError("rename", to);
  return SyncPath(to.parent_path().empty() ? fs::path(".") : to.parent_path(), true);
}

core::Status RestoreDatabase(const CommonOptions& common, const fs::path& from) {
  if (common.db_url.rfind("sqlite:", 0) == 0) {
    fs::path file = fs::absolute(common.db_url.substr(7));
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    fs::remove(file, ec);  // an empty file at most (checked)
    return PlaceFile(from / kSqliteFile, file);
  }
  // One transaction: a failed restore leaves the target database as empty as it was.
  return RunTool({PgTool("pg_restore"), "--exit-on-error", "--single-transaction", "--no-owner",
                  "--no-privileges", "--dbname=" + common.db_url, (from / kPgDumpFile).string()});
}

core::Status RestoreFiles(const CommonOptions& common, const json& manifest, const fs::path& from) {
  const fs::path files = StateDir(common) / "files", tmp = StateDir(common) / ".files.restore-tmp";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  HQ_RETURN_IF_ERROR(CopyTree(from / "files", tmp));
  fs::remove(files, ec);  // an empty directory at most (checked)
  fs::rename(tmp, files, ec);
  if (ec) return IoError("rename", files);
  HQ_RETURN_IF_ERROR(CheckFiles(manifest, files, "files/"));
  if (manifest.value("key_included", false) && !fs::exists(KeyPathOf(common)))
    HQ_RETURN_IF_ERROR(PlaceFile(from / kKeyFile, KeyPathOf(common), true));
  if (manifest.value("checkpoint_included", false))
    HQ_RETURN_IF_ERROR(PlaceFile(from / kCheckpointFile, CheckpointPath(common)));
  return core::Ok();
}

//! After the copy: the rows as the manifest says, the audit chain up to its checkpoint.
void VerifyRestored(const CommonOptions& common, const json& manifest) {
  auto db = store::Database::Open(common.db_url);
  if (!db.ok()) Fail(db.error());
  if (auto st = CheckTables(manifest, **db); !st.ok()) Fail(st.error());
  std::cout << "ok: " << manifest["tables"].size() << " 张表的行数与校验和一致 (table checksums match)\n";
  auto keys = LoadKeyRing(common);
  audit::Checkpoint checkpoint(CheckpointPath(common), keys);
  auto rep = audit::Verify(**db, &checkpoint);
  if (!rep.ok()) Fail(rep.error());
  if (!rep->ok) {
    Fail(MakeError(
        ErrorKind::kFailedPrecondition, "restore_audit", "恢复后审计链校验失败：" + rep->problem,
        "audit chain broken after restore at " + std::to_string(rep->first_bad_id) + ": " + rep->problem));
  }
  std::cout << "ok: " << rep->checked << " 条审计记录，哈希链完整 (audit chain intact)\n";
}

//! The index is a cache of the database: built afresh at open when its directory is new, else
//! rebuilt (a directory left from an earlier deployment would answer for other data).
void RebuildSearch(const CommonOptions& common) {
  auto db = OpenMigratedDatabase(common);
  auto cal = LoadCalendar(common, db.get());
  core::SystemClock clock;
  policy::PolicyService policies(*db, clock, cal);
  std::error_code ec;
  const bool fresh = !fs::exists(SearchIndexDir(common), ec);
  auto search = OpenSearchOrFail(common, *db, policies);
  if (!fresh) {
    auto report = search->Reindex();
    if (!report.ok()) Fail(report.error());
  }
  std::cout << "search index rebuilt: " << search->DocumentCount() << " documents in "
            << SearchIndexDir(common) << "\n";
}

void Restore(const CommonOptions& common, const fs::path& from) {
  const auto t0 = std::chrono::steady_clock::now();
  auto manifest = ReadManifest(from);
  if (!manifest.ok()) Fail(manifest.error());
  if (auto st = CheckFiles(*manifest, from); !st.ok()) Fail(st.error());
  auto busy = NonEmptyTargets(common, *manifest);
  if (!busy.ok()) Fail(busy.error());
  if (!busy->empty()) {
    std::string list;
    for (const auto& b : *busy) list += (list.empty() ? "" : "; ") + b;
    Fail(MakeError(ErrorKind::kFailedPrecondition, "restore_target_not_empty",
                   "目标不为空，未做任何改动：" + list + "。恢复只写入空的数据库和状态目录",
                   "target not empty, nothing changed: " + list +
                       ". restore only writes into an empty database and state directory",
                   "db"));
  }
  if (auto st = CheckKey(common, *manifest, from); !st.ok()) Fail(st.error());
  if (auto st = RestoreDatabase(common, from); !st.ok()) Fail(st.error());
  if (auto st = RestoreFiles(common, *manifest, from); !st.ok()) Fail(st.error());
  VerifyRestored(common, *manifest);
  RebuildSearch(common);
  std::cout << "restored " << from.string() << " (created " << manifest->value("created_at", "") << ") in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
}

}  // namespace

// -----------------------------------------------------------------------------------------------
// Scheduled backups: a tick of the server's loop starts one on a thread of its own when the newest
// backup in [backup] dir is every_hours old, then keeps the newest `keep`.

struct ScheduledBackups::State {
  CommonOptions common;
  ServeOptions options;
  store::Database& db;
  std::mutex mu;
  std::thread worker;
  std::atomic<bool> running{false}, stopping{false};
  int64_t last_unix = -1;  // the newest complete backup's created_unix, -1 = not read yet
};

namespace {

constexpr const char* kScheduledPrefix = "huiqi-backup-";

//! The complete scheduled backups in `dir`, oldest first (names sort by time).
std::vector<fs::path> ScheduledIn(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename().string().rfind(kScheduledPrefix, 0) == 0 &&
        fs::exists(e.path() / "manifest.json"))
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string StampOf(core::TimePoint t) {
  std::string iso = core::FormatTimestamp(t), out;  // 2026-11-22T20:16:40+08:00
  for (char c : iso.substr(0, 19))
    if (std::isdigit(static_cast<unsigned char>(c))) out += c;
  return out.substr(0, 8) + "-" + out.substr(8);
}

void RunScheduled(ScheduledBackups::State& s) {
  const fs::path dir = s.options.backup_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const auto now = std::chrono::system_clock::now();
  auto summary = WriteBackup(s.common, s.db, dir / (kScheduledPrefix + StampOf(now)), {});
  if (!summary.ok()) {
    spdlog::error("scheduled backup failed (next try in 10 minutes): {}", summary.error().ToString());
    std::lock_guard lock(s.mu);
    s.last_unix = core::UnixSeconds(now) - int64_t{s.options.backup_every_hours} * 3600 + 600;
  } else {
    spdlog::info("scheduled backup: {} rows, {} files, {} bytes in {:.1f} s", summary->rows, summary->files,
                 summary->bytes, summary->seconds);
    std::lock_guard lock(s.mu);
    s.last_unix = core::UnixSeconds(now);
  }
  auto all = ScheduledIn(dir);
  for (size_t i = 0; i + static_cast<size_t>(s.options.backup_keep) < all.size(); ++i) {
    fs::remove_all(all[i], ec);
    spdlog::info("backup retention: removed {}", all[i].string());
  }
  s.running = false;
}

void OnBackupTick(const std::shared_ptr<ScheduledBackups::State>& s) {
  if (s->stopping || s->running) return;
  const int64_t now = core::UnixSeconds(std::chrono::system_clock::now());
  std::lock_guard lock(s->mu);
  if (s->stopping) return;
  if (s->last_unix < 0) {
    s->last_unix = 0;
    auto all = ScheduledIn(s->options.backup_dir);
    if (!all.empty()) {
      std::ifstream in(all.back() / "manifest.json");
      auto m = json::parse(in, nullptr, false);
      if (m.is_object()) s->last_unix = m.value("created_unix", int64_t{0});
    }
  }
  if (now - s->last_unix < int64_t{s->options.backup_every_hours} * 3600) return;
  if (s->worker.joinable()) s->worker.join();
  s->running = true;
  s->worker = std::thread([s] { RunScheduled(*s); });
}

}  // namespace

ScheduledBackups::ScheduledBackups(std::shared_ptr<State> state) : state_(std::move(state)) {}

ScheduledBackups::~ScheduledBackups() {
  state_->stopping = true;
  std::thread worker;
  {
    std::lock_guard lock(state_->mu);
    worker = std::move(state_->worker);
  }
  if (worker.joinable()) worker.join();  // a backup in progress finishes (its temp dir renamed or removed)
}

std::unique_ptr<ScheduledBackups> ScheduleBackups(schedule::Scheduler& scheduler, const CommonOptions& common,
                                                  const ServeOptions& options, store::Database& db) {
  if (options.backup_dir.empty()) return nullptr;
  auto state = std::shared_ptr<ScheduledBackups::State>(new ScheduledBackups::State{common, options, db});
  scheduler.AddTick("backup", std::chrono::seconds(60), [state] { OnBackupTick(state); });
  spdlog::info("scheduled backups: every {} h into {}, keeping {}", options.backup_every_hours,
               options.backup_dir, options.backup_keep);
  return std::make_unique<ScheduledBackups>(state);
}

void AddBackupCommands(CLI::App& cli, CommonOptions& common) {
  struct Args {
    std::string out, from;
    bool without_key = false;
  };
  auto a = std::make_shared<Args>();
  auto* backup =
      cli.add_subcommand("backup", "备份 back up the database, uploaded files, key and audit checkpoint");
  AddCommonOptions(*backup, common);
  backup->add_option("--out", a->out, "备份目录（须不存在）the backup directory to create")->required();
  backup->add_flag("--without-key", a->without_key,
                   "不复制密钥文件 leave the key file out (production: keep the key apart from backups)");
  backup->callback([&common, a] {
    // Opening a missing SQLite file would create it, and back up an empty database.
    std::error_code ec;
    if (common.db_url.rfind("sqlite:", 0) == 0 && !fs::exists(common.db_url.substr(7), ec)) {
      Fail(MakeError(ErrorKind::kNotFound, "backup_no_database",
                     "数据库文件不存在：" + common.db_url.substr(7),
                     "no database file at " + common.db_url.substr(7), "db"));
    }
    auto db = store::Database::Open(common.db_url);
    if (!db.ok()) Fail(db.error());
    auto summary = WriteBackup(common, **db, a->out, {.include_key = !a->without_key});
    if (!summary.ok()) Fail(summary.error());
    std::cout << "backup: " << a->out << ": " << summary->tables << " tables, " << summary->rows << " rows, "
              << summary->files << " files, " << summary->bytes << " bytes in " << summary->seconds << " s\n";
  });
  auto* restore =
      cli.add_subcommand("restore", "恢复 restore a backup into an empty database and state directory");
  AddCommonOptions(*restore, common);
  restore->add_option("--from", a->from, "备份目录 the backup directory")->required();
  restore->callback([&common, a] { Restore(common, a->from); });
}

}  // namespace huiqi::app
