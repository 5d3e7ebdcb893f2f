#include "notify/deliverer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "notify/detail/statements.h"

namespace huiqi::notify {

using nlohmann::json;
namespace d = detail;

struct Deliverer::Claimed {
  Message message;
  std::string token;
};

namespace {

std::string Token() { return secrets::RandomHex(12); }

Channel ChannelOf(std::string_view code) {
  if (code == "sms") return Channel::kSms;
  if (code == "webhook") return Channel::kWebhook;
  return Channel::kFile;
}

std::string Masked(const Message& m) {
  return m.channel == Channel::kSms ? secrets::MaskPhone(m.address)
                                    : m.address.substr(0, m.address.find('?'));
}

}  // namespace

Deliverer::Deliverer(store::Database& db, const core::Clock& clock, const secrets::KeyRing& keys,
                     std::map<Channel, ChannelSender*> channels, DeliveryOptions options)
    : db_(db), clock_(clock), keys_(keys), channels_(std::move(channels)), options_(options) {}

core::Result<DeliveryReport> Deliverer::DeliverDue() {
  DeliveryReport report;
  int64_t now = core::UnixSeconds(clock_.Now());
  std::string token = Token();
  // Claim and commit first: the sends happen outside any transaction (a slow gateway must not
  // hold row locks), and the lease hands the rows on if this worker dies.
  HQ_ASSIGN_OR_RETURN(
      std::vector<Claimed> claimed,
      db_.WriteValue<std::vector<Claimed>>([&](store::Session& s) -> core::Result<std::vector<Claimed>> {
        const store::Statement& claim = s.kind() == store::Kind::kPostgres ? d::kClaimPg : d::kClaimSqlite;
        HQ_RETURN_IF_ERROR(
            s.Query(claim, {token, now + options_.lease.count(), now, now, int64_t{options_.batch}}));
        HQ_ASSIGN_OR_RETURN(auto rows, s.Query(d::kClaimedRows, {token}));
        std::vector<Claimed> out;
        for (const auto& r : rows) {
          Claimed c;
          c.token = token;
          Message& m = c.message;
          m.id = r.Int("id");
          m.notice_id = r.Int("notice_id");
          m.channel = ChannelOf(r.Text("channel"));
          auto address = keys_.Open(r.Text("address"), "outbox-address");
          m.address = address.ok() ? *address : "";
          m.sms_template = r.Text("template");
          auto params = json::parse(r.Text("params"), nullptr, false);
          if (params.is_object()) {
            for (const auto& [k, v] : params.items())
              m.params[k] = v.is_string() ? v.get<std::string>() : v.dump();
          }
          m.idempotency_key = r.Text("idempotency_key");
          m.attempt = r.Int("attempts");
          m.title = r.Text("title");
          m.body = r.Text("body");
          m.link = r.Text("link");
          out.push_back(std::move(c));
        }
        return out;
      }));
  report.claimed = static_cast<int>(claimed.size());
  for (const auto& c : claimed) {
    Outcome o;
    auto it = channels_.find(c.message.channel);
    if (c.message.address.empty()) {
      o = {Outcome::Kind::kPermanent, "the address cannot be opened with this key ring"};
    } else if (it == channels_.end() || it->second == nullptr) {
      o = {Outcome::Kind::kRetry,
           "no sender configured for channel " + std::string(ChannelCode(c.message.channel))};
      spdlog::warn("outbox {}: {}", c.message.id, o.detail);
    } else {
      o = it->second->Send(c.message);
    }
    bool last = c.message.attempt >= options_.max_attempts;
    if (o.kind == Outcome::Kind::kSent)
      ++report.sent;
    else if (o.kind == Outcome::Kind::kRetry && !last)
      ++report.retried;
    else
      ++report.dead;
    Settle(c, o);
  }
  return report;
}

void Deliverer::Settle(const Claimed& c, const Outcome& o) {
  const Message& m = c.message;
  int64_t now = core::UnixSeconds(clock_.Now());
  std::string at = core::FormatTimestamp(clock_.Now());
  bool dead = o.kind == Outcome::Kind::kPermanent ||
              (o.kind == Outcome::Kind::kRetry && m.attempt >= options_.max_attempts);
  int64_t backoff = options_.first_backoff.count() << std::min<int64_t>(m.attempt - 1, 20);
  backoff = std::min<int64_t>(backoff, options_.max_backoff.count());
  auto st = db_.Write([&](store::Session& s) -> core::Status {
    int64_t changed = 0;
    if (o.kind == Outcome::Kind::kSent) {
      HQ_ASSIGN_OR_RETURN(changed, s.Exec(d::kSettleSent, {at, m.id, c.token}));
    } else if (dead) {
      HQ_ASSIGN_OR_RETURN(changed, s.Exec(d::kSettleDead, {o.detail.substr(0, 500), m.id, c.token}));
    } else {
      HQ_ASSIGN_OR_RETURN(changed,
                          s.Exec(d::kSettleRetry, {now + backoff, o.detail.substr(0, 500), m.id, c.token}));
    }
    if (changed != 1) return core::Ok();  // the lease ended and another worker holds the row now
    HQ_RETURN_IF_ERROR(s.Exec(d::kInsertAttempt, {m.id, at, int64_t{o.kind == Outcome::Kind::kSent ? 1 : 0},
                                                  o.detail.substr(0, 500)}));
    return core::Ok();
  });
  if (!st.ok()) spdlog::warn("outbox {}: settling failed: {}", m.id, st.error().message_en);
  if (dead)
    spdlog::warn("outbox {} ({} to {}) is dead after {} attempts: {}", m.id, ChannelCode(m.channel),
                 Masked(m), m.attempt, o.detail);
}

core::Result<std::vector<DeadLetter>> Deliverer::DeadLetters(int limit) {
  limit = std::clamp(limit, 1, 1000);
  return db_.ReadValue<std::vector<DeadLetter>>(
      [&](store::Session& s) -> core::Result<std::vector<DeadLetter>> {
        HQ_ASSIGN_OR_RETURN(auto rows, s.Query(d::kDeadLetters, {int64_t{limit}}));
        std::vector<DeadLetter> out;
        for (const auto& r : rows) {
          DeadLetter dl;
          dl.id = r.Int("id");
          dl.notice_id = r.Int("notice_id");
          dl.attempts = r.Int("attempts");
          dl.channel = r.Text("channel");
          auto address = keys_.Open(r.Text("address"), "outbox-address");
          Message m;
          m.channel = ChannelOf(dl.channel);
          m.address = address.ok() ? *address : "";
          dl.address_masked = Masked(m);
          dl.last_error = r.Text("last_error");
          dl.created_at = r.Text("created_at");
          dl.title = r.Text("title");
          out.push_back(std::move(dl));
        }
        return out;
      });
}

core::Status Deliverer::Retry(int64_t outbox_id, const audit::Actor& admin) {
  int64_t now = core::UnixSeconds(clock_.Now());
  return db_.Write([&](store::Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(int64_t changed, s.Exec(d::kRetryDead, {now, outbox_id}));
    if (changed != 1) {
      return core::MakeError(core::ErrorKind::kConflict, "not_dead", "该消息不在失败列表中（已重发或已送达）",
                             "the outbox row is not dead", "id");
    }
    return audit::Record(s, clock_, admin, "outbox.retry", "outbox", std::to_string(outbox_id),
                         {{"status", "dead"}}, {{"status", "pending"}});
  });
}

}  // namespace huiqi::notify
