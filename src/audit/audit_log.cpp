#include "audit/audit_log.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace huiqi::audit {

using store::Statement;

namespace {

constexpr Statement kAdvanceHead{
    "audit.advance_head",
    "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash"};
constexpr Statement kSetHeadHash{"audit.set_head_hash", "UPDATE audit_head SET last_hash = ? WHERE id = 1"};
constexpr Statement kInsert{
    "audit.insert",
    "INSERT INTO audit_log (id, at, actor_user_id, actor_login, action, entity, entity_id, "
    "before_json, after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"};
// Wakes the change followers of every node when this transaction commits (PostgreSQL only).
constexpr Statement kNotify{"audit.notify", "SELECT pg_notify('huiqi_changes', '')"};
constexpr Statement kInsertChange{"audit.insert_change",
                                  "INSERT INTO change_log (at, entity, entity_id, op) VALUES (?, ?, ?, ?)"};
constexpr Statement kWalk{
    "audit.walk",
    "SELECT id, at, actor_user_id, actor_login, action, entity, entity_id, before_json, "
    "after_json, prev_hash, hash FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000"};
constexpr Statement kHead{"audit.head", "SELECT last_id, last_hash FROM audit_head WHERE id = 1"};
constexpr Statement kRowHash{"audit.row_hash", "SELECT hash FROM audit_log WHERE id = ?"};
// Optional filters as bound parameters: "" matches everything.
constexpr Statement kCount{
    "audit.count",
    "SELECT COUNT(*) AS n FROM audit_log WHERE (? = '' OR entity = ?) AND (? = '' OR entity_id = ?) "
    "AND (? = '' OR actor_login = ?)"};
constexpr Statement kPage{
    "audit.page",
    "SELECT id, at, actor_user_id, actor_login, action, entity, entity_id, before_json, "
    "after_json, prev_hash, hash FROM audit_log WHERE (? = '' OR entity = ?) "
    "AND (? = '' OR entity_id = ?) AND (? = '' OR actor_login = ?) "
    "ORDER BY id DESC LIMIT ? OFFSET ?"};

std::string Canonical(int64_t id, std::string_view at, const std::optional<int64_t>& user,
                      std::string_view login, std::string_view action, std::string_view entity,
                      std::string_view entity_id, std::string_view before, std::string_view after,
                      std::string_view prev) {
  // Length-prefixed fields so no two different rows serialise alike.
  std::string s;
  auto field = [&](std::string_view v) {
    s += std::to_string(v.size());
    s += ':';
    s += v;
    s += ';';
  };
  field(prev);
  field(std::to_string(id));
  field(at);
  field(user ? std::to_string(*user) : "");
  field(login);
  field(action);
  field(entity);
  field(entity_id);
  field(before);
  field(after);
  return s;
}

std::string Dump(const nlohmann::json& j) { return j.is_null() ? "" : j.dump(); }

std::string Op(const nlohmann::json& before, const nlohmann::json& after) {
  if (before.is_null()) return "create";
  if (after.is_null()) return "delete";
  return "update";
}

Entry EntryOf(const store::Row& r) {
  Entry e;
  e.id = r.Int("id");
  e.at = r.Text("at");
  e.actor_user_id = r.OptInt("actor_user_id");
  e.actor_login = r.Text("actor_login");
  e.action = r.Text("action");
  e.entity = r.Text("entity");
  e.entity_id = r.Text("entity_id");
  std::string b = r.Text("before_json"), a = r.Text("after_json");
  e.before = b.empty() ? nlohmann::json() : nlohmann::json::parse(b, nullptr, false);
  e.after = a.empty() ? nlohmann::json() : nlohmann::json::parse(a, nullptr, false);
  e.prev_hash = r.Text("prev_hash");
  e.hash = r.Text("hash");
  return e;
}

}  // namespace

std::string Sm3Hex(std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sm3(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) {
    throw std::runtime_error("SM3 digest failed");  // OpenSSL 3 always has SM3: a broken invariant
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

core::Status Record(store::Session& tx, const core::Clock& clock, const Actor& actor, std::string_view action,
                    std::string_view entity, std::string entity_id, const nlohmann::json& before,
                    const nlohmann::json& after) {
  // Taking the head row first serialises writers on PostgreSQL (row lock until commit).
  HQ_ASSIGN_OR_RETURN(auto head, tx.QueryOne(kAdvanceHead, {}, "审计链头", "audit head"));
  int64_t id = head.Int("last_id");
  std::string prev = head.Text("last_hash");
  std::string at = core::FormatTimestamp(clock.Now());
  std::string b = Dump(before), a = Dump(after);
  std::string hash =
      Sm3Hex(Canonical(id, at, actor.user_id, actor.login, action, entity, entity_id, b, a, prev));
  HQ_RETURN_IF_ERROR(
      tx.Exec(kInsert, {id, at, store::OptionalInt(actor.user_id), actor.login, std::string(action),
                        std::string(entity), entity_id, b, a, prev, hash}));
  HQ_RETURN_IF_ERROR(tx.Exec(kSetHeadHash, {hash}));
  HQ_RETURN_IF_ERROR(tx.Exec(kInsertChange, {at, std::string(entity), entity_id, Op(before, after)}));
  if (tx.kind() == store::Kind::kPostgres) HQ_RETURN_IF_ERROR(tx.Query(kNotify));
  return core::Ok();
}

core::Result<VerifyReport> Verify(store::Database& db, const Checkpoint* checkpoint) {
  std::optional<Checkpoint::Head> seen;
  if (checkpoint != nullptr) {
    auto head = checkpoint->Read();
    if (!head.ok()) {
      VerifyReport rep;
      rep.ok = false;
      rep.problem = "审计检查点文件 " + checkpoint->path().string() + " 校验失败（被改动或密钥不符）";
      return rep;
    }
    seen = *head;
  }
  return db.ReadValue<VerifyReport>([&](store::Session& s) -> core::Result<VerifyReport> {
    VerifyReport rep;
    std::string prev;
    int64_t last_id = 0;
    auto fail = [&](int64_t id, std::string problem) {
      rep.ok = false;
      rep.first_bad_id = id;
      rep.problem = std::move(problem);
      return rep;
    };
    while (true) {
      HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kWalk, {last_id}));
      if (rows.empty()) break;
      for (const auto& r : rows) {
        int64_t id = r.Int("id");
        ++rep.checked;
        if (id != last_id + 1) return fail(id, "第 " + std::to_string(last_id + 1) + " 条审计记录缺失");
        if (r.Text("prev_hash") != prev)
          return fail(id, "第 " + std::to_string(id) + " 条记录的前序哈希与上一条不符");
        std::string expected = Sm3Hex(Canonical(
            id, r.Text("at"), r.OptInt("actor_user_id"), r.Text("actor_login"), r.Text("action"),
            r.Text("entity"), r.Text("entity_id"), r.Text("before_json"), r.Text("after_json"), prev));
        if (expected != r.Text("hash")) return fail(id, "第 " + std::to_string(id) + " 条审计记录内容被改动");
        prev = r.Text("hash");
        last_id = id;
      }
    }
    HQ_ASSIGN_OR_RETURN(auto head, s.QueryOne(kHead, {}, "审计链头", "audit head"));
    if (head.Int("last_id") != last_id || head.Text("last_hash") != prev) {
      return fail(last_id + 1, "审计链末尾的记录被删除或链头被改动");
    }
    if (seen && seen->last_id > 0) {
      if (last_id < seen->last_id) {
        return fail(last_id + 1, "审计链在第 " + std::to_string(last_id) + " 条结束，但检查点（" + seen->at +
                                     "）记录的链头为第 " + std::to_string(seen->last_id) +
                                     " 条：其后的记录已丢失或被删除");
      }
      HQ_ASSIGN_OR_RETURN(auto at, s.QueryOptional(kRowHash, {seen->last_id}));
      if (!at || at->Text("hash") != seen->last_hash) {
        return fail(seen->last_id, "第 " + std::to_string(seen->last_id) + " 条记录与检查点记录的哈希不符");
      }
    }
    return rep;
  });
}

core::Result<EntryPage> List(store::Database& db, const ListQuery& query) {
  int page = std::max(query.page, 1);
  int page_size = query.page_size < 1 || query.page_size > 100 ? 20 : query.page_size;
  store::Params filter{query.entity,    query.entity,      query.entity_id,
                       query.entity_id, query.actor_login, query.actor_login};
  return db.ReadValue<EntryPage>([&](store::Session& s) -> core::Result<EntryPage> {
    EntryPage out;
    HQ_ASSIGN_OR_RETURN(auto n, s.QueryOne(kCount, filter, "", ""));
    out.total = n.Int("n");
    store::Params params = filter;
    params.push_back(int64_t{page_size});
    params.push_back(int64_t{page - 1} * page_size);
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kPage, params));
    for (const auto& r : rows) out.items.push_back(EntryOf(r));
    return out;
  });
}

core::Result<EntryPage> List(store::Database& db, int page, int page_size) {
  return List(db, ListQuery{page, page_size, "", "", ""});
}

namespace {
constexpr store::Statement kChangesSince{
    "audit.changes_since",
    "SELECT id, at, entity, entity_id, op FROM change_log WHERE id > ? ORDER BY id LIMIT ?"};
constexpr store::Statement kLatestChange{"audit.latest_change",
                                         "SELECT COALESCE(MAX(id), 0) AS m FROM change_log"};
}  // namespace

core::Result<std::vector<Change>> ChangesSince(store::Database& db, int64_t after_id, int limit) {
  limit = std::clamp(limit, 1, 10000);
  return db.ReadValue<std::vector<Change>>([&](store::Session& s) -> core::Result<std::vector<Change>> {
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kChangesSince, {after_id, int64_t{limit}}));
    std::vector<Change> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
      out.push_back({r.Int("id"), r.Text("at"), r.Text("entity"), r.Text("entity_id"), r.Text("op")});
    return out;
  });
}

core::Result<int64_t> LatestChangeId(store::Database& db) {
  return db.ReadValue<int64_t>([](store::Session& s) -> core::Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kLatestChange, {}, "", ""));
    return r.Int("m");
  });
}

int64_t ChangeWatermark::Advance(int64_t last, const std::vector<Change>& rows) {
  auto now = std::chrono::steady_clock::now();
  int64_t expected = last + 1, watermark = last;
  bool blocked = false;
  for (const auto& c : rows) {
    for (; expected < c.id; ++expected) {
      auto [it, fresh] = holes_.try_emplace(expected, now);
      if (now - it->second < grace_) blocked = true;
    }
    expected = c.id + 1;
    if (!blocked) watermark = c.id;
  }
  std::erase_if(holes_, [&](const auto& h) { return h.first <= watermark; });
  return watermark;
}

namespace {

constexpr std::string_view kCheckpointPurpose = "audit-checkpoint";

std::string CheckpointText(const Checkpoint::Head& h) {
  return std::to_string(h.last_id) + "|" + h.last_hash + "|" + h.at;
}

}  // namespace

core::Result<std::optional<Checkpoint::Head>> Checkpoint::Read() const {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return std::optional<Head>{};
  std::ifstream in(path_);
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  auto bad = core::InvalidArgument("checkpoint", "checkpoint_mac", "审计检查点文件校验失败",
                                   "audit checkpoint MAC mismatch");
  if (j.is_discarded() || !j.is_object() || !j["last_id"].is_number_integer() ||
      !j["last_hash"].is_string() || !j["at"].is_string() || !j["mac"].is_string()) {
    return bad;
  }
  Head h{j["last_id"].get<int64_t>(), j["last_hash"].get<std::string>(), j["at"].get<std::string>()};
  if (!keys_.VerifyMac(CheckpointText(h), j["mac"].get<std::string>(), kCheckpointPurpose)) return bad;
  return std::optional<Head>{h};
}

core::Status Checkpoint::Write(store::Database& db, const core::Clock& clock) const {
  HQ_ASSIGN_OR_RETURN(auto stored, Read());
  HQ_ASSIGN_OR_RETURN(Head now, db.ReadValue<Head>([](store::Session& s) -> core::Result<Head> {
    HQ_ASSIGN_OR_RETURN(auto head, s.QueryOne(kHead, {}, "审计链头", "audit head"));
    return Head{head.Int("last_id"), head.Text("last_hash"), ""};
  }));
  if (stored && now.last_id < stored->last_id) {
    return core::MakeError(core::ErrorKind::kFailedPrecondition, "audit_truncated",
                           "审计链头（第 " + std::to_string(now.last_id) + " 条）落后于检查点（第 " +
                               std::to_string(stored->last_id) + " 条）：已确认的记录丢失",
                           "the audit chain is behind its checkpoint: acknowledged rows were lost");
  }
  if (stored && now.last_id == stored->last_id) return core::Ok();
  now.at = core::FormatTimestamp(clock.Now());
  nlohmann::json j = {{"last_id", now.last_id},
                      {"last_hash", now.last_hash},
                      {"at", now.at},
                      {"mac", keys_.Mac(CheckpointText(now), kCheckpointPurpose)}};
  std::filesystem::path tmp = path_;
  tmp += ".tmp";
  std::string text = j.dump() + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, path_, ec);
  if (!ok || ec) {
    return core::MakeError(core::ErrorKind::kUnavailable, "checkpoint_write",
                           "无法写入审计检查点 " + path_.string(),
                           "cannot write the audit checkpoint " + path_.string());
  }
  return core::Ok();
}

}  // namespace huiqi::audit
