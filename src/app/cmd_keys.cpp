// huiqi keys rotate | huiqi keys status — the platform key ring (issue 16 item 6; docs/reliability.md
// "Secrets at rest").
//
// Rotation appends a fresh key to the key file (secrets::KeyRing::AppendKey), then seals every
// sealed column's values again under it, in batches of one transaction each. Each row is updated
// with its old ciphertext in the WHERE, so a value a server changed meanwhile is left as that
// server wrote it; rows already under the newest key are not selected, so a rotation interrupted
// halfway is finished by `keys rotate --resume`.
//
// Not re-sealed, on purpose: the departments' seal private keys are PKCS#8 under SealPassphrase,
// which derives from the ring's FIRST key (app/context.cpp), as do the lookup hashes
// (users.phone_hash, bank_accounts.number_lookup); adding a key changes none of them, so k1 must
// stay in the key file. Audit rows are never rewritten (the hash chain forbids it).

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/context.h"
#include "audit/audit_log.h"
#include "core/date.h"

namespace huiqi::app {

namespace {

namespace fs = std::filesystem;
using core::ErrorKind;
using core::MakeError;
using core::Status;
using store::Session;
using store::Statement;
using store::Value;

// One sealed column. The statements' parameters:
//   count        (LIKE pattern)                       → n
//   count_plain  ()                                   → n: non-empty values that are not sealed
//   next_batch   (after key, newest's pattern, limit) → k, v: sealed under an older key
//   update       (new value, key, old value)          → rows changed (0: changed meanwhile)
struct SealedColumn {
  std::string_view label;    // "users.phone"
  std::string_view purpose;  // the KeyRing purpose it is sealed for (the module that seals it)
  Statement count, count_plain, next_batch, update;
  Value start;  // a key below every row's
};

// auth (records.cpp): phones; payments (offers.cpp): bank accounts; notify (notify.cpp): the
// outbox's SMS numbers and webhook URLs; push (push_service.cpp): recipients' webhook URLs.
const SealedColumn kColumns[] = {
    {"users.phone",
     "phone",
     {"keys.count_users_phone", "SELECT COUNT(*) AS n FROM users WHERE phone LIKE ?"},
     {"keys.plain_users_phone",
      "SELECT COUNT(*) AS n FROM users WHERE phone <> '' AND phone NOT LIKE 'enc1:%'"},
     {"keys.batch_users_phone",
      "SELECT id AS k, phone AS v FROM users WHERE id > ? AND phone LIKE 'enc1:%' AND phone NOT LIKE ? "
      "ORDER BY id LIMIT ?"},
     {"keys.reseal_users_phone", "UPDATE users SET phone = ? WHERE id = ? AND phone = ?"},
     Value(int64_t{-1})},
    {"bank_accounts.number_sealed",
     "bank_account",
     {"keys.count_bank_accounts", "SELECT COUNT(*) AS n FROM bank_accounts WHERE number_sealed LIKE ?"},
     {"keys.plain_bank_accounts",
      "SELECT COUNT(*) AS n FROM bank_accounts WHERE number_sealed <> '' AND number_sealed NOT LIKE "
      "'enc1:%'"},
     {"keys.batch_bank_accounts",
      "SELECT id AS k, number_sealed AS v FROM bank_accounts WHERE id > ? AND number_sealed LIKE 'enc1:%' "
      "AND number_sealed NOT LIKE ? ORDER BY id LIMIT ?"},
     {"keys.reseal_bank_accounts",
      "UPDATE bank_accounts SET number_sealed = ? WHERE id = ? AND number_sealed = ?"},
     Value(int64_t{-1})},
    {"outbox.address",
     "outbox-address",
     {"keys.count_outbox_address", "SELECT COUNT(*) AS n FROM outbox WHERE address LIKE ?"},
     {"keys.plain_outbox_address",
      "SELECT COUNT(*) AS n FROM outbox WHERE address <> '' AND address NOT LIKE 'enc1:%'"},
     {"keys.batch_outbox_address",
      "SELECT id AS k, address AS v FROM outbox WHERE id > ? AND address LIKE 'enc1:%' AND address NOT LIKE "
      "? "
      "ORDER BY id LIMIT ?"},
     {"keys.reseal_outbox_address", "UPDATE outbox SET address = ? WHERE id = ? AND address = ?"},
     Value(int64_t{-1})},
    {"push_prefs.webhook_url",
     "push-webhook",
     {"keys.count_push_webhook", "SELECT COUNT(*) AS n FROM push_prefs WHERE webhook_url LIKE ?"},
     {"keys.plain_push_webhook",
      "SELECT COUNT(*) AS n FROM push_prefs WHERE webhook_url <> '' AND webhook_url NOT LIKE 'enc1:%'"},
     {"keys.batch_push_webhook",
      "SELECT recipient AS k, webhook_url AS v FROM push_prefs WHERE recipient > ? AND webhook_url LIKE "
      "'enc1:%' "
      "AND webhook_url NOT LIKE ? ORDER BY recipient LIMIT ?"},
     {"keys.reseal_push_webhook",
      "UPDATE push_prefs SET webhook_url = ? WHERE recipient = ? AND webhook_url = ?"},
     Value(std::string())},
};

const audit::Actor kCli{std::nullopt, "cli"};

std::string Pattern(std::string_view key_id) { return "enc1:" + std::string(key_id) + ":%"; }

// The same file app::LoadKeyRing reads.
fs::path KeyFilePath(const CommonOptions& common) {
  return common.key_file.empty() ? StateDir(common) / "huiqi.key" : fs::path(common.key_file);
}

struct Tally {
  int64_t resealed = 0;
  int64_t changed_meanwhile = 0;  // the row's value was no longer the one read: left as written
  int64_t unopenable = 0;         // altered, or under a key the ring does not hold: left as is
};

// One batch in one transaction; `after` advances past every row read, so a value that cannot be
// opened is passed over instead of read again. Returns the number of rows read.
core::Result<int64_t> ResealBatch(store::Database& db, const secrets::KeyRing& ring, const SealedColumn& c,
                                  int64_t batch, Value& after, Tally& tally) {
  std::string newest = Pattern(ring.Keys().back().id);
  Tally t;
  Value cursor = after;
  int64_t read = 0;
  Status st = db.Write([&](Session& s) -> Status {
    HQ_ASSIGN_OR_RETURN(store::Rows rows, s.Query(c.next_batch, {cursor, newest, batch}));
    for (const auto& row : rows) {
      ++read;
      cursor = row.at("k");
      std::string old_value = row.Text("v");
      auto plain = ring.Open(old_value, c.purpose);
      if (!plain.ok()) {
        ++t.unopenable;
        continue;
      }
      HQ_ASSIGN_OR_RETURN(int64_t n, s.Exec(c.update, {ring.Seal(*plain, c.purpose), cursor, old_value}));
      ++(n == 1 ? t.resealed : t.changed_meanwhile);
    }
    return core::Ok();
  });
  if (!st.ok()) return st.error();
  after = cursor;
  tally.resealed += t.resealed;
  tally.changed_meanwhile += t.changed_meanwhile;
  tally.unopenable += t.unopenable;
  return read;
}

Tally ResealColumn(store::Database& db, const secrets::KeyRing& ring, const SealedColumn& c, int64_t batch) {
  Tally tally;
  Value after = c.start;
  for (;;) {
    auto read = ResealBatch(db, ring, c, batch, after, tally);
    if (!read.ok()) Fail(read.error());
    if (*read == 0) break;
    std::cerr << "  " << c.label << ": " << tally.resealed << " re-sealed so far\n";
    if (*read < batch) break;
  }
  return tally;
}

Status RecordRotation(store::Database& db, const std::string& from_key, const std::string& to_key,
                      const nlohmann::json& resealed) {
  core::SystemClock clock;
  return db.Write([&](Session& s) {
    return audit::Record(s, clock, kCli, "keys.rotate", "key_ring", to_key, {{"newest_key", from_key}},
                         {{"newest_key", to_key}, {"resealed", resealed}});
  });
}

struct RotateArgs {
  int64_t batch = 1000;
  bool resume = false;     // no new key: finish re-sealing under the newest one
  bool no_reseal = false;  // only add the key (give it to every node first, then --resume)
};

void Rotate(const CommonOptions& common, const RotateArgs& a) {
  fs::path file = KeyFilePath(common);
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    // A fresh key file would hold none of the keys the database's values are sealed under.
    Fail(MakeError(ErrorKind::kNotFound, "key_file", "密钥文件不存在：" + file.string(),
                   "no key file at " + file.string(), "key_file"));
  }
  auto db = OpenMigratedDatabase(common);
  auto start = std::chrono::steady_clock::now();
  std::string before = LoadKeyRing(common).Keys().back().id;
  if (!a.resume) {
    auto added = secrets::KeyRing::AppendKey(file, core::FormatTimestamp(std::chrono::system_clock::now()));
    if (!added.ok()) Fail(added.error());
    std::cout << "keys: added " << *added << " to " << file.string() << " (older keys kept)\n";
  }
  secrets::KeyRing ring = LoadKeyRing(common);
  std::string newest = ring.Keys().back().id;
  if (a.no_reseal) return;
  nlohmann::json resealed = nlohmann::json::object();
  int64_t total = 0, unopenable = 0;
  for (const auto& c : kColumns) {
    Tally t = ResealColumn(*db, ring, c, a.batch);
    resealed[std::string(c.label)] = t.resealed;
    total += t.resealed;
    unopenable += t.unopenable;
    std::cout << c.label << ": " << t.resealed << " re-sealed under " << newest;
    if (t.changed_meanwhile)
      std::cout << ", " << t.changed_meanwhile << " changed meanwhile (left as written)";
    if (t.unopenable) std::cout << ", " << t.unopenable << " cannot be opened (left as is)";
    std::cout << "\n";
  }
  if (total > 0 || before != newest) {
    Status st = RecordRotation(*db, before, newest, resealed);
    if (!st.ok()) Fail(st.error());
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "keys rotate: " << total << " values re-sealed under " << newest << " in " << seconds
            << " s\n";
  if (unopenable > 0) throw ExitCode{1};
}

// Opens every sealed value of `c` (read transactions of `batch` rows): {opened, failed}.
std::pair<int64_t, int64_t> OpenAll(store::Database& db, const secrets::KeyRing& ring, const SealedColumn& c,
                                    int64_t batch) {
  std::pair<int64_t, int64_t> out{0, 0};
  Value after = c.start;
  for (int64_t read = batch; read == batch;) {
    read = 0;
    Status st = db.Read([&](Session& s) -> Status {
      // NOT LIKE '' holds for every non-empty value: all sealed values, whichever key.
      HQ_ASSIGN_OR_RETURN(store::Rows rows, s.Query(c.next_batch, {after, std::string(), batch}));
      for (const auto& row : rows) {
        ++read;
        after = row.at("k");
        ++(ring.Open(row.Text("v"), c.purpose).ok() ? out.first : out.second);
      }
      return core::Ok();
    });
    if (!st.ok()) Fail(st.error());
  }
  return out;
}

void PrintStatus(const CommonOptions& common, bool verify) {
  auto db = OpenMigratedDatabase(common);
  secrets::KeyRing ring = LoadKeyRing(common);
  auto keys = ring.Keys();
  std::cout << "key file: " << KeyFilePath(common).string() << "\n";
  for (const auto& k : keys) {
    std::cout << "  " << k.id << "  created " << (k.created_at.empty() ? "(not recorded)" : k.created_at)
              << (&k == &keys.back() ? "  newest: seals new values" : "") << "\n";
  }
  auto count = [&](const Statement& st, const store::Params& params) {
    auto n = db->ReadValue<int64_t>([&](Session& s) -> core::Result<int64_t> {
      HQ_ASSIGN_OR_RETURN(store::Row row, s.QueryOne(st, params, "计数", "count"));
      return row.Int("n");
    });
    if (!n.ok()) Fail(n.error());
    return *n;
  };
  int64_t failures = 0;
  for (const auto& c : kColumns) {
    std::cout << c.label << " (" << c.purpose << "):";
    int64_t known = 0;
    for (const auto& k : keys) {
      int64_t n = count(c.count, {Pattern(k.id)});
      known += n;
      std::cout << " " << k.id << " " << n;
    }
    int64_t other = count(c.count, {std::string("enc1:%")}) - known;
    if (other) std::cout << ", under keys not in the ring " << other;
    std::cout << ", not sealed " << count(c.count_plain, {}) << "\n";
    if (!verify) continue;
    auto [opened, failed] = OpenAll(*db, ring, c, 1000);
    std::cout << "  opened " << opened << ", cannot be opened " << failed << "\n";
    failures += failed;
  }
  if (failures > 0) throw ExitCode{1};
}

}  // namespace

void AddKeysCommands(CLI::App& cli, CommonOptions& common) {
  auto* keys =
      cli.add_subcommand("keys", "密钥 the platform key ring (docs/reliability.md \"Secrets at rest\")");
  keys->require_subcommand(1);
  auto a = std::make_shared<RotateArgs>();
  auto* rotate =
      keys->add_subcommand("rotate", "轮换密钥 add a new key and re-seal every sealed value under it");
  AddCommonOptions(*rotate, common);
  rotate->add_option("--batch", a->batch, "每个事务的行数 rows per transaction")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  rotate->add_flag("--resume", a->resume,
                   "不新增密钥 add no key: re-seal what is still under older keys (after an interruption)");
  rotate->add_flag("--no-reseal", a->no_reseal,
                   "只新增密钥 only add the key (copy the file to every node, restart them, then --resume)");
  rotate->callback([&common, a] { Rotate(common, *a); });
  auto* status = keys->add_subcommand("status", "密钥状态 the ring's keys and how many values each seals");
  AddCommonOptions(*status, common);
  auto verify = std::make_shared<bool>(false);
  status->add_flag("--verify", *verify,
                   "逐一解密 open every sealed value with the ring (exit 1 when one cannot be opened)");
  status->callback([&common, verify] { PrintStatus(common, *verify); });
}

}  // namespace huiqi::app
