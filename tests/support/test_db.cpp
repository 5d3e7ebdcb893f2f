#include "support/test_db.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "store/migrations.h"

namespace huiqi::testing {

namespace fs = std::filesystem;

namespace {

std::string Shell(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  if (rc != 0) throw std::runtime_error("command failed (" + std::to_string(rc) + "): " + cmd);
  return {};
}

int FreePort() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(s);
  return port;
}

std::string PgBinDir() {
  for (int v : {17, 16, 15, 14, 13}) {
    std::string dir = "/usr/lib/postgresql/" + std::to_string(v) + "/bin";
    if (fs::exists(dir + "/initdb")) return dir;
  }
  throw std::runtime_error("PostgreSQL server binaries not found (install package postgresql)");
}

// The private server: started on first use, stopped when the test binary exits.
class PgServer {
 public:
  static PgServer& Get() {
    static PgServer server;
    return server;
  }
  const std::string& base_url() const { return base_url_; }

  ~PgServer() {
    if (dir_.empty()) return;
    std::system((as_ + bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1").c_str());
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

 private:
  PgServer() {
    if (const char* url = std::getenv("HUIQI_TEST_PG_URL"); url && *url) {
      base_url_ = url;
      return;
    }
    bin_ = PgBinDir();
    char tmpl[] = "/tmp/huiqi-pg-XXXXXX";
    dir_ = mkdtemp(tmpl);
    // initdb and postgres refuse to run as root (DEPENDENCY-NOTES.md): hand the directory to
    // the postgres user and run the server as that user.
    if (geteuid() == 0) {
      Shell("chown postgres:postgres " + dir_);
      as_ = "runuser -u postgres -- ";
    }
    int port = FreePort();
    Shell(as_ + bin_ + "/initdb -D " + dir_ + "/data -A trust -U huiqi -E UTF8 --no-sync >" + dir_ +
          "/initdb.log 2>&1");
    Shell(as_ + bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 -o \"-p " +
          std::to_string(port) + " -k " + dir_ + " -c listen_addresses=127.0.0.1 -c fsync=off " +
          "-c synchronous_commit=off -c full_page_writes=off\" start >/dev/null");
    base_url_ = "postgresql://huiqi@127.0.0.1:" + std::to_string(port);
  }

  std::string bin_, dir_, as_, base_url_;
};

std::atomic<int> db_counter{0};

}  // namespace

std::vector<store::Kind> Backends() { return {store::Kind::kSqlite, store::Kind::kPostgres}; }

std::string BackendName(store::Kind kind) { return kind == store::Kind::kSqlite ? "SQLite" : "PostgreSQL"; }

std::string TempDir() {
  static std::mutex mu;
  static std::vector<std::string>* dirs = [] {
    auto* v = new std::vector<std::string>();
    std::atexit([] {
      std::error_code ec;
      for (const auto& d : *dirs) fs::remove_all(d, ec);
    });
    return v;
  }();
  char tmpl[] = "/tmp/huiqi-test-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::lock_guard lock(mu);
  dirs->push_back(dir);
  return dir;
}

std::string DataDir() {
  const char* dir = std::getenv("HUIQI_DATA_DIR");
  return dir ? dir : "data";
}

std::unique_ptr<store::Database> FreshEmptyDatabase(store::Kind kind, std::string* url_out) {
  std::string url;
  if (kind == store::Kind::kSqlite) {
    url = "sqlite:" + TempDir() + "/test.db";
  } else {
    auto& server = PgServer::Get();
    std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(db_counter++);
    auto admin = store::Database::Open(server.base_url() + "/postgres", {.pool_size = 1});
    if (!admin.ok()) throw std::runtime_error(admin.error().ToString());
    auto st = (*admin)->ExecOutsideTransaction("CREATE DATABASE " + name);
    if (!st.ok()) throw std::runtime_error(st.error().ToString());
    url = server.base_url() + "/" + name;
  }
  auto db = store::Database::Open(url, {.pool_size = 4});
  if (!db.ok()) throw std::runtime_error(db.error().ToString());
  if (url_out) *url_out = url;
  return std::move(db).value();
}

std::unique_ptr<store::Database> FreshDatabase(store::Kind kind) {
  auto db = FreshEmptyDatabase(kind);
  auto v = store::Migrate(*db);
  if (!v.ok()) throw std::runtime_error("migrate: " + v.error().ToString());
  return db;
}

}  // namespace huiqi::testing
