// huiqi serve — the server: migrate, load reference data and the calendar, wire the modules.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/commands.h"
#include "app/context.h"
#include "app/search_context.h"
#include "auth/auth_service.h"
#include "calendar/calendar_service.h"
#include "audit/audit_log.h"
#include "enterprise/archive.h"
#include "enterprise/attributes.h"
#include "enterprise/profile.h"
#include "http/api/enterprise_api.h"
#include "http/api/auth_api.h"
#include "http/api/policy_api.h"
#include "http/api/rules_api.h"
#include "http/api/search_api.h"
#include "http/api/system_api.h"
#include "http/server.h"
#include "policy/policy_service.h"

namespace huiqi::app {

namespace {

void SplitListen(const std::string& listen, std::string& host, uint16_t& port) {
  auto colon = listen.rfind(':');
  int p = -1;
  try {
    if (colon != std::string::npos) p = std::stoi(listen.substr(colon + 1));
  } catch (...) {
  }
  if (colon == std::string::npos || p < 0 || p > 65535) {
    Fail(core::InvalidArgument("listen", "invalid_listen", "监听地址应为 HOST:PORT，如 127.0.0.1:8080",
                               "listen must be HOST:PORT"));
  }
  host = listen.substr(0, colon);
  port = static_cast<uint16_t>(p);
}

// Applies enterprise changes from the change log to the in-memory index every second.
class IndexFollower {
 public:
  IndexFollower(store::Database& db, rules::Schema& schema, enterprise::ProfileService& profiles,
                match::MatchService& matches, enterprise::Archive& archive, int64_t mark)
      : db_(db),
        schema_(schema),
        profiles_(profiles),
        matches_(matches),
        archive_(archive),
        mark_(mark),
        indexed_(KeysOf(schema)),
        thread_([this] { Run(); }) {}
  ~IndexFollower() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  static std::set<std::string> KeysOf(const rules::Schema& schema) {
    std::set<std::string> keys;
    for (const auto& a : schema.attributes()) keys.insert(a.key);
    return keys;
  }

  void Run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
      lock.unlock();
      Step();
      lock.lock();
    }
  }
  void Step() {
    auto changes = audit::ChangesSince(db_, mark_, 1000);
    if (!changes.ok()) {
      spdlog::warn("change log: {}", changes.error().message_en);
      return;
    }
    // Rows above the watermark come again while a hole below them may still fill (PostgreSQL);
    // applying a change twice is harmless.
    int64_t next = watermark_.Advance(mark_, *changes);
    for (const auto& c : *changes) {
      if (c.entity == "attribute") {
        AddRegisteredAttributes();
        continue;
      }
      if (c.entity != "enterprise") continue;
      int64_t id = 0;
      try {
        id = std::stoll(c.entity_id);
      } catch (...) {
        continue;
      }
      auto p = profiles_.GetById(id);
      if (p.ok()) matches_.Upsert(id, p->facts);
    }
    mark_ = next;
  }

  // A registered attribute (through any node) joins the live schema, and the index is rebuilt so
  // every enterprise without a value for it is Unknown there.
  void AddRegisteredAttributes() {
    auto custom = enterprise::ListCustomAttributes(db_);
    if (!custom.ok()) return;
    // The API node has added it to the schema already; the index may not have its column yet.
    bool added = false;
    for (auto& a : *custom) {
      if (!schema_.Find(a.def.key)) (void)schema_.Add(a.def);
      added = indexed_.insert(a.def.key).second || added;
    }
    if (!added) return;
    auto facts = archive_.LoadAllFacts();
    if (!facts.ok()) {
      spdlog::warn("reloading the matching index: {}", facts.error().message_en);
      return;
    }
    matches_.Load(*facts);
    spdlog::info("matching index rebuilt for a new attribute: {} enterprises", matches_.size());
  }

  store::Database& db_;
  rules::Schema& schema_;
  enterprise::ProfileService& profiles_;
  match::MatchService& matches_;
  enterprise::Archive& archive_;
  int64_t mark_;
  audit::ChangeWatermark watermark_;
  std::set<std::string> indexed_;  // attributes the index was built with (follower thread only)
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

void Serve(const CommonOptions& common, const ServeOptions& opts) {
  auto db = OpenMigratedDatabase(common);
  auto reference = LoadReferenceData(common);
  auto cal = LoadCalendar(common, db.get());
  core::SystemClock clock;
  auth::AuthService auth(*db, clock);
  calendar::CalendarService calendar(*db, clock, cal);

  // The matching index of this node, loaded from the archive; the change-log position is read
  // first so no change made while loading is missed.
  // The attribute schema: built-in plus the registered ones (enterprise/attributes.h).
  auto loaded_schema = enterprise::LoadSchema(*db);
  if (!loaded_schema.ok()) Fail(loaded_schema.error());
  rules::Schema& schema = *loaded_schema;  // grows when an admin registers an attribute
  match::MatchService matches(schema);
  enterprise::Archive archive(*db, clock);
  auto start_mark = audit::LatestChangeId(*db);
  if (!start_mark.ok()) Fail(start_mark.error());
  auto facts = archive.LoadAllFacts();
  if (!facts.ok()) Fail(facts.error());
  matches.Load(*facts);
  spdlog::info("matching index: {} enterprises", matches.size());

  http::Router router(&auth);
  http::RegisterSystemApi(router, {*db, reference, calendar, clock});
  http::RegisterAuthApi(router, auth, *db);
  http::RegisterRulesApi(router, matches, reference, clock);
  policy::PolicyService policies(*db, clock, cal, &schema);
  http::RegisterPolicyApi(router, policies, schema, reference);
  enterprise::ProfileService profiles(*db, clock, schema, &reference);
  http::RegisterEnterpriseApi(router, {*db, policies, profiles, matches, reference, clock, &schema});

  // Follow the change log: archive changes made through any node reach this node's index.
  IndexFollower follower(*db, schema, profiles, matches, archive, *start_mark);
  auto search = OpenSearchOrFail(common, *db, policies);  // follows the change log at each query
  http::RegisterSearchApi(router, *search);

  http::ServerOptions so;
  SplitListen(opts.listen, so.host, so.port);
  so.io_threads = opts.io_threads;
  so.worker_threads = opts.worker_threads;
  so.body_limit = opts.body_limit;
  so.static_dir = opts.web_dir;
  spdlog::info("huiqi {} on {} (data dir {})", HUIQI_VERSION, db->DisplayUrl(), common.data_dir);
  http::Server server(so, router);
  auto st = server.Run();
  if (!st.ok()) Fail(st.error());
}

}  // namespace

void AddServeCommand(CLI::App& cli, CommonOptions& common) {
  auto opts = std::make_shared<ServeOptions>();
  auto* serve = cli.add_subcommand("serve", "启动服务 run the HTTP server (migrates a fresh database first)");
  AddCommonOptions(*serve, common);
  serve->add_option("--listen", opts->listen, "监听地址 HOST:PORT")->capture_default_str();
  serve->add_option("--web-dir", opts->web_dir, "前端构建目录 the built web app")->capture_default_str();
  serve->add_option("--io-threads", opts->io_threads, "I/O 线程数")->capture_default_str()->check(CLI::Range(1, 64));
  serve->add_option("--workers", opts->worker_threads, "工作线程数")->capture_default_str()->check(CLI::Range(1, 256));
  serve->add_option("--body-limit", opts->body_limit, "请求体上限（字节）")->capture_default_str();
  serve->callback([&common, opts] { Serve(common, *opts); });
}

}  // namespace huiqi::app
