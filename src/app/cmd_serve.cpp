// huiqi serve — the server: migrate, load reference data and the calendar, wire the modules.

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "app/commands.h"
#include "app/config_file.h"
#include "app/context.h"
#include "app/search_context.h"
#include "audit/audit_log.h"
#include "audit/change_follower.h"
#include "auth/auth_service.h"
#include "calendar/calendar_service.h"
#include "enterprise/archive.h"
#include "enterprise/attributes.h"
#include "enterprise/profile.h"
#include "files/file_store.h"
#include "http/api/auth_api.h"
#include "http/api/enterprise_api.h"
#include "http/api/guide_files_api.h"
#include "http/api/payments_api.h"
#include "http/api/policy_api.h"
#include "http/api/push_api.h"
#include "http/api/rules_api.h"
#include "http/api/search_api.h"
#include "http/api/system_api.h"
#include "http/api/workflow_api.h"
#include "http/response_cache.h"
#include "http/server.h"
#include "notify/deliverer.h"
#include "notify/notify.h"
#include "payments/payments_service.h"
#include "policy/policy_service.h"
#include "push/push.h"
#include "schedule/scheduler.h"
#include "seal/seal_service.h"
#include "secrets/keys.h"
#include "workflow/workflow_service.h"

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

// The SMS gateway of a demo or test deployment: texts are appended to a file (mode 0600) with
// the number masked, so `make run` works without a gateway. The notify module's SMS channel
// replaces it when a gateway is configured.
class FileTextSender final : public auth::TextSender {
 public:
  explicit FileTextSender(std::filesystem::path path) : path_(std::move(path)) {}
  core::Status Send(std::string_view phone, std::string_view text) override {
    std::lock_guard lock(mu_);
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    std::string line = core::FormatTimestamp(std::chrono::system_clock::now()) + "\t" +
                       secrets::MaskPhone(phone) + "\t" + std::string(text) + "\n";
    bool ok = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    if (fd >= 0) ::close(fd);
    if (!ok) {
      return core::MakeError(core::ErrorKind::kUnavailable, "sms_failed", "短信发送失败",
                             "cannot append to " + path_.string());
    }
    return core::Ok();
  }

 private:
  std::filesystem::path path_;
  std::mutex mu_;
};

// Writes the audit chain's head to the checkpoint file every second, and says loudly when the
// database has fallen behind it (acknowledged writes lost).
class CheckpointWriter {
 public:
  CheckpointWriter(store::Database& db, const audit::Checkpoint& checkpoint, const core::Clock& clock)
      : db_(db), checkpoint_(checkpoint), clock_(clock), thread_([this] { Run(); }) {}
  ~CheckpointWriter() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    Step();  // the last writes before a clean stop
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
      lock.unlock();
      Step();
      lock.lock();
    }
  }
  void Step() {
    auto st = checkpoint_.Write(db_, clock_);
    if (st.ok()) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_warning_ < std::chrono::minutes(1)) return;
    last_warning_ = now;
    if (st.error().code == "audit_truncated") {
      spdlog::critical("{} — run `huiqi audit verify`", st.error().message);
    } else {
      spdlog::warn("audit checkpoint: {}", st.error().message_en);
    }
  }

  store::Database& db_;
  const audit::Checkpoint& checkpoint_;
  const core::Clock& clock_;
  std::chrono::steady_clock::time_point last_warning_{};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

//! The server reads only the web directory; the database must not lie inside it (issue 10
//! finding 2: a second descriptor opened and closed on the SQLite file drops its locks).
void RefuseDatabaseUnderWebDir(const CommonOptions& common, const std::string& web_dir) {
  if (common.db_url.rfind("sqlite:", 0) != 0 || web_dir.empty()) return;
  std::error_code ec;
  auto web = std::filesystem::weakly_canonical(web_dir, ec);
  auto db = std::filesystem::weakly_canonical(common.db_url.substr(7), ec);
  auto [w, d] = std::mismatch(web.begin(), web.end(), db.begin(), db.end());
  if (w == web.end()) {
    Fail(core::InvalidArgument("web_dir", "unsafe_web_dir",
                               "数据库文件位于前端目录 " + web_dir + " 之内，拒绝启动",
                               "the database file lies inside the web directory"));
  }
}

// This node's in-memory state that follows the change log (one audit::ChangeFollower, registered
// in Serve): enterprise changes reach the matching index, a registered attribute joins the live
// schema and rebuilds the index, and published-content changes drop the cached public answers.
class NodeState {
 public:
  NodeState(store::Database& db, rules::Schema& schema, enterprise::ProfileService& profiles,
            match::MatchService& matches, enterprise::Archive& archive, http::ResponseCache& responses,
            const core::Clock& clock)
      : db_(db),
        schema_(schema),
        profiles_(profiles),
        matches_(matches),
        archive_(archive),
        responses_(responses),
        clock_(clock),
        day_(core::ShanghaiDate(clock.Now())),
        indexed_(KeysOf(schema)) {}

  //! Subscribers: the index from `index_mark` (read before the archive was loaded), the response
  //! cache from now.
  void Subscribe(audit::ChangeFollower& follower, int64_t index_mark, int64_t now_mark) {
    follower.Subscribe(
        "matching-index", {audit::Entity::kEnterprise, audit::Entity::kAttribute}, index_mark,
        [this](const std::vector<audit::Change>& changes, int64_t) { return OnArchive(changes); });
    follower.Subscribe(
        "response-cache", {}, now_mark, [this](const std::vector<audit::Change>& changes, int64_t) {
          bool changed = std::any_of(changes.begin(), changes.end(), [](const audit::Change& c) {
            return http::ChangesPublishedContent(c.entity);
          });
          if (changed) responses_.Invalidate();
          return core::Ok();
        });
  }

  //! Windows open and close at midnight: the cached answers go when the day turns (a tick).
  void OnTick() {
    core::Date today = core::ShanghaiDate(clock_.Now());
    std::lock_guard lock(mu_);
    if (today != day_) responses_.Invalidate();
    day_ = today;
  }

 private:
  static std::set<std::string> KeysOf(const rules::Schema& schema) {
    std::set<std::string> keys;
    for (const auto& a : schema.attributes()) keys.insert(a.key);
    return keys;
  }

  // Applying a change twice is harmless (the follower may deliver one again after a hole fills).
  core::Status OnArchive(const std::vector<audit::Change>& changes) {
    for (const auto& c : changes) {
      if (audit::EntityOf(c.entity) == audit::Entity::kAttribute) {
        AddRegisteredAttributes();
        continue;
      }
      int64_t id = 0;
      try {
        id = std::stoll(c.entity_id);
      } catch (...) {
        continue;
      }
      auto p = profiles_.GetById(id);
      if (p.ok()) matches_.Upsert(id, p->facts);
    }
    return core::Ok();
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
  http::ResponseCache& responses_;
  const core::Clock& clock_;
  std::mutex mu_;  // guards day_
  core::Date day_;
  std::set<std::string> indexed_;  // attributes the index was built with (follower thread only)
};

void Serve(const ServeConfig& config) {
  const CommonOptions& common = config.common;
  const ServeOptions& opts = config.serve;
  RefuseDatabaseUnderWebDir(common, opts.web_dir);
  auto db = OpenMigratedDatabase(common);
  auto reference = LoadReferenceData(common);
  auto cal = LoadCalendar(common, db.get());
  core::OffsetClock clock(std::chrono::hours(24) * opts.demo_days_ahead);
  if (opts.demo_days_ahead != 0) {
    spdlog::warn("--demo-days-ahead {}: the clock runs {} days ahead; never use it in production",
                 opts.demo_days_ahead, opts.demo_days_ahead);
  }
  auto keys = LoadKeyRing(common);
  audit::Checkpoint checkpoint(CheckpointPath(common), keys);
  if (auto st = checkpoint.Write(*db, clock); !st.ok() && st.error().code == "audit_truncated") {
    spdlog::critical("{} — run `huiqi audit verify`", st.error().message);
  }
  CheckpointWriter checkpoints(*db, checkpoint, clock);
  FileTextSender texts(StateDir(common) / "sms-outbox.log");
  auth::DemoIdentityProvider demo_identity(keys, clock);
  auth::AuthOptions auth_options = config.auth;
  auth_options.echo_codes = opts.demo_identity;
  auth::AuthService auth(*db, clock, {keys, opts.demo_identity ? &demo_identity : nullptr, &texts},
                         auth_options);
  if (opts.demo_identity) {
    spdlog::warn(
        "--demo-identity: the demo identity provider vouches for any enterprise; never use it in production");
  }
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

  http::ResponseCache responses;  // public answers; invalidated by the follower below
  http::RouterOptions router_options;
  router_options.cache = &responses;
  http::Router router(&auth, router_options);
  http::RegisterSystemApi(router, {*db, reference, calendar, clock});
  http::AuthApiOptions auth_api;
  auth_api.secure_cookie = opts.secure_cookies;
  auth_api.identity = opts.demo_identity ? &demo_identity : nullptr;
  auth_api.demo_identity = opts.demo_identity ? &demo_identity : nullptr;
  http::RegisterAuthApi(router, auth, *db, auth_api);
  http::RegisterRulesApi(router, matches, reference, clock);
  policy::PolicyService policies(*db, clock, cal, &schema);
  http::RegisterPolicyApi(router, policies, schema, reference);
  enterprise::ProfileService profiles(*db, clock, schema, &reference);
  // One change-log follower for this node's in-memory state (audit/change_follower.h); declared
  // after the router and the node state, so it stops before what its subscribers feed goes.
  NodeState node_state(*db, schema, profiles, matches, archive, responses, clock);
  audit::ChangeFollower follower(*db);
  http::RegisterEnterpriseApi(router,
                              {*db, policies, profiles, matches, reference, clock, &schema, &follower});

  // The second half: notices and their delivery, uploaded materials, seals, applications, and
  // the one background loop that runs due work (issue 13).
  notify::Notifier notifier(clock, keys);
  notify::Inbox inbox(*db, clock);
  auto sms_file = notify::FileChannel((StateDir(common) / "sms-outbox.log").string());
  // [notify] sms_gateway_url: texts go to the gateway; without one, to the file channel.
  std::unique_ptr<notify::ChannelSender> sms_gateway;
  if (!config.sms_gateway_url.empty()) sms_gateway = notify::HttpSmsChannel({config.sms_gateway_url});
  auto webhooks = notify::WebhookChannel({});
  notify::Deliverer deliverer(*db, clock, keys,
                              {{notify::Channel::kSms, sms_gateway ? sms_gateway.get() : sms_file.get()},
                               {notify::Channel::kFile, sms_file.get()},
                               {notify::Channel::kWebhook, webhooks.get()}});
  files::FileStoreOptions file_options;
  file_options.root = StateDir(common) / "files";
  file_options.max_file_bytes = config.max_file_bytes;
  files::FileStore file_store(*db, clock, file_options);
  files::GuideFiles guide_files(*db, file_store, clock);
  http::RegisterGuideFilesApi(router, guide_files);
  seal::SealOptions seal_options;
  seal_options.key_passphrase = SealPassphrase(keys);
  seal::SealService seals(*db, clock, seal_options);
  workflow::WorkflowService workflow(
      {*db, clock, cal, policies, profiles, schema, notifier, file_store, &seals, &reference},
      config.workflow);
  http::RegisterWorkflowApi(router, {workflow, file_store, inbox, &deliverer, &seals, auth});
  // 免申即享 offers, payments and subsidy records (issue 14): derived lists read this node's
  // matching index, kept current by the change-log follower below.
  payments::PaymentsService payments_service(
      {*db, clock, cal, policies, profiles, schema, notifier, keys, matches, &reference}, config.payments);
  http::RegisterPaymentsApi(router, payments_service);
  // Subscriptions and pushes (issue 15, docs/push.md): keyword subscriptions use the search
  // analyser once the index is open (before that, plain lower-casing).
  std::atomic<const search::Analyzer*> analyzer{nullptr};
  push::PushDeps push_deps{*db,  clock,   policies,   profiles, schema, notifier,
                           keys, matches, &reference, {},       {}};
  push_deps.normalize = [&analyzer](std::string_view text) {
    const search::Analyzer* a = analyzer.load();
    return a ? a->Normalize(text) : std::string(text);
  };
  push_deps.words = [&analyzer](std::string_view text) {
    std::vector<std::string> out;
    if (const search::Analyzer* a = analyzer.load()) {
      for (auto& t : a->Words(text)) out.push_back(std::move(t.text));
    } else if (!text.empty()) {
      out.emplace_back(text);
    }
    return out;
  };
  push::PushService pushes(push_deps, config.push);
  http::RegisterPushApi(router, pushes);
  auto push_mark = pushes.FollowFrom();
  if (!push_mark.ok()) Fail(push_mark.error());
  follower.Subscribe(
      "push", {audit::Entity::kItem, audit::Entity::kPolicy, audit::Entity::kEnterprise}, *push_mark,
      [&pushes](const std::vector<audit::Change>& changes, int64_t) { return pushes.OnChanges(changes); });
  if (auto st = pushes.ScheduleDigest(); !st.ok()) Fail(st.error());
  schedule::Scheduler scheduler(*db, clock);
  scheduler.AddTick("outbox", std::chrono::seconds(1), [&deliverer] {
    for (int i = 0; i < 50; ++i) {  // drain a backlog, a batch at a time
      auto r = deliverer.DeliverDue();
      if (!r.ok() || r->claimed == 0) break;
    }
  });
  scheduler.Register(
      "workflow.stage_deadline",
      [&workflow](store::Session& tx, const schedule::Job& job) -> core::Result<std::optional<int64_t>> {
        auto payload = nlohmann::json::parse(job.payload, nullptr, false);
        HQ_RETURN_IF_ERROR(workflow.OnStageDeadline(tx, payload.value("stage_id", int64_t{0})));
        return std::optional<int64_t>{};
      });
  scheduler.Register(
      "workflow.publicity_end",
      [&workflow](store::Session& tx, const schedule::Job& job) -> core::Result<std::optional<int64_t>> {
        auto payload = nlohmann::json::parse(job.payload, nullptr, false);
        return workflow.OnPublicityEnd(tx, payload.value("application_id", int64_t{0}));
      });
  for (const char* kind : {"payments.offer_reminder", "payments.offer_expiry"}) {
    bool reminder = std::string_view(kind) == "payments.offer_reminder";
    scheduler.Register(
        kind,
        [&payments_service, reminder](store::Session& tx,
                                      const schedule::Job& job) -> core::Result<std::optional<int64_t>> {
          auto payload = nlohmann::json::parse(job.payload, nullptr, false);
          int64_t offer = payload.is_object() ? payload.value("offer_id", int64_t{0}) : 0;
          HQ_RETURN_IF_ERROR(reminder ? payments_service.OnOfferReminder(tx, offer)
                                      : payments_service.OnOfferExpiry(tx, offer));
          return std::optional<int64_t>{};
        });
  }
  auto payload_of = [](const schedule::Job& job) {
    auto p = nlohmann::json::parse(job.payload, nullptr, false);
    return p.is_object() ? p : nlohmann::json::object();
  };
  scheduler.Register(
      "push.item",
      [&pushes, payload_of](store::Session& tx,
                            const schedule::Job& job) -> core::Result<std::optional<int64_t>> {
        auto p = payload_of(job);
        HQ_RETURN_IF_ERROR(pushes.OnItemJob(tx, p.value("item_id", int64_t{0}), p.value("window", false),
                                            p.value("source", job.key)));
        return std::optional<int64_t>{};
      });
  scheduler.Register(
      "push.archive",
      [&pushes, payload_of](store::Session& tx,
                            const schedule::Job& job) -> core::Result<std::optional<int64_t>> {
        auto p = payload_of(job);
        HQ_RETURN_IF_ERROR(pushes.OnArchiveJob(tx, p.value("enterprise_id", int64_t{0}),
                                               p.value("source", job.key), p.value("change_id", int64_t{0})));
        return std::optional<int64_t>{};
      });
  scheduler.Register(
      "push.campaign",
      [&pushes, &clock, payload_of](store::Session& tx,
                                    const schedule::Job& job) -> core::Result<std::optional<int64_t>> {
        HQ_ASSIGN_OR_RETURN(bool more,
                            pushes.OnCampaignJob(tx, payload_of(job).value("campaign_id", int64_t{0})));
        if (more) return std::optional<int64_t>{core::UnixSeconds(clock.Now())};  // the next step at once
        return std::optional<int64_t>{};
      });
  scheduler.Register(
      "push.digest",
      [&pushes](store::Session& tx, const schedule::Job&) -> core::Result<std::optional<int64_t>> {
        HQ_ASSIGN_OR_RETURN(int64_t next, pushes.OnDigestJob(tx));
        return std::optional<int64_t>{next};
      });
  scheduler.AddTick("day-turn", std::chrono::seconds(1), [&node_state] { node_state.OnTick(); });
  // [backup]: scheduled backups with retention (cmd_backup.cpp); declared after the scheduler
  // so a backup in progress finishes before the scheduler goes.
  auto scheduled_backups = ScheduleBackups(scheduler, common, config.serve, *db);
  scheduler.Start();

  // Follow the change log: archive changes made through any node reach this node's index, and
  // published-content changes its cached answers (the subscribers are registered above).
  node_state.Subscribe(follower, *start_mark, *start_mark);
  follower.Start();
  auto search = OpenSearchOrFail(common, *db, policies);  // follows the change log at each query
  analyzer = &search->analyzer();
  http::RegisterSearchApi(router, *search);
  http::RegisterRouteTableApi(router);  // last: it lists every route registered above

  http::ServerOptions so;
  SplitListen(opts.listen, so.host, so.port);
  so.io_threads = opts.io_threads;
  so.worker_threads = opts.worker_threads;
  so.body_limit = opts.body_limit;
  so.header_limit = opts.header_limit;
  so.header_timeout = std::chrono::seconds(opts.header_timeout_seconds);
  so.idle_timeout = std::chrono::seconds(opts.idle_timeout_seconds);
  so.read_timeout = std::chrono::seconds(opts.read_timeout_seconds);
  so.max_connections = opts.max_connections;
  so.static_dir = opts.web_dir;
  so.trusted_proxies = opts.trusted_proxies;
  so.upload_prefix = "/api/v1/files";
  so.upload_dir = (file_options.root / "tmp").string();
  so.upload_limit = config.upload_limit;
  so.tls_behind_proxy = opts.secure_cookies;
  spdlog::info("huiqi {} on {} (data dir {})", HUIQI_VERSION, db->DisplayUrl(), common.data_dir);
  http::Server server(so, router);
  auto st = server.Run();
  // The follower and the scheduler call into services declared after them: stop them first.
  scheduler.Stop();
  follower.Stop();
  if (!st.ok()) Fail(st.error());
}

}  // namespace

void AddServeCommand(CLI::App& cli, CommonOptions& common) {
  auto opts = std::make_shared<ServeOptions>();
  auto* serve = cli.add_subcommand("serve", "启动服务 run the HTTP server (migrates a fresh database first)");
  AddCommonOptions(*serve, common);
  serve->add_option("--listen", opts->listen, "监听地址 HOST:PORT")->capture_default_str();
  serve->add_option("--web-dir", opts->web_dir, "前端构建目录 the built web app")->capture_default_str();
  serve->add_option("--io-threads", opts->io_threads, "I/O 线程数")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve->add_option("--workers", opts->worker_threads, "工作线程数")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  serve->add_option("--body-limit", opts->body_limit, "请求体上限（字节）")->capture_default_str();
  serve->add_option("--trusted-proxy", opts->trusted_proxies,
                    "可信反向代理 IP 或网段（可多次）：只采信它们的 X-Forwarded-For");
  serve->add_flag("--secure-cookies", opts->secure_cookies, "经 HTTPS 访问时：Cookie 加 Secure，并发送 HSTS");
  serve->add_flag("--demo-identity", opts->demo_identity,
                  "演示用身份认证：模拟江苏政务服务网法人登录、页面显示短信验证码（仅限演示和测试）");
  serve
      ->add_option("--demo-days-ahead", opts->demo_days_ahead,
                   "演示用：服务器时钟提前 N 天（让公示期、时限到期，仅限演示和测试）")
      ->check(CLI::Range(0, 3650));
  auto config_path = std::make_shared<std::string>();
  serve->add_option("--config", *config_path,
                    "配置文件 huiqi.toml（`huiqi config defaults` 列出全部配置项；命令行与环境变量优先）");
  serve->callback([&common, opts, serve, config_path] {
    ServeConfig config;
    config.common = common;
    config.serve = *opts;
    if (!config_path->empty()) {
      // What a flag or the environment set stays; the file fills the rest.
      std::set<std::string> given = ConfigKeysFromEnvironment();
      for (const CLI::Option* o : serve->get_options()) {
        if (o->count() == 0) continue;
        for (const auto& name : o->get_lnames()) {
          if (auto key = ConfigKeyOfFlag("--" + name); !key.empty()) given.insert(key);
        }
      }
      if (auto st = LoadConfigFile(*config_path, config, given); !st.ok()) Fail(st.error());
      spdlog::info("configuration: {}", *config_path);
    } else if (auto st = ValidateConfig(config); !st.ok()) {
      Fail(st.error());
    }
    Serve(config);
  });
}

}  // namespace huiqi::app
