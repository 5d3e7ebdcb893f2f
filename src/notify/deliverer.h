#pragma once
// Delivering the outbox: due rows are claimed (PostgreSQL: FOR UPDATE SKIP LOCKED, so several
// server processes share the work and never take the same row; SQLite: one writer), sent through
// their channel, and settled — sent, or back to pending with an exponential backoff, or dead
// after the last attempt. Every attempt is recorded. A claim carries a random token and a lease;
// a worker that crashed mid-send leaves its rows to be claimed again when the lease ends, and
// the row's idempotency key (sent as `Idempotency-Key` / the gateway's `out_id`) lets the
// receiver drop the second copy — so after a crash a notice is delivered at least once and
// received once.
//
// Thread-safe: DeliverDue may run on several threads or processes at once.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "core/date.h"
#include "core/error.h"
#include "notify/notify.h"
#include "secrets/keys.h"
#include "store/database.h"

namespace huiqi::notify {

//! One outbox row as a channel sends it.
struct Message {
  int64_t id = 0, notice_id = 0;
  Channel channel = Channel::kFile;
  std::string address;  // opened: a phone number or a URL
  std::string sms_template;
  std::map<std::string, std::string> params;
  std::string idempotency_key;
  std::string title, body, link;  // of the notice
  int64_t attempt = 1;            // this is the n-th attempt
};

//! What a channel says about one send.
struct Outcome {
  enum class Kind { kSent, kRetry, kPermanent };
  Kind kind = Kind::kSent;
  std::string detail;  // the receiver's answer or the failure, for the attempt log
};

class ChannelSender {
 public:
  virtual ~ChannelSender() = default;
  virtual Outcome Send(const Message& m) = 0;
};

//! Appends the rendered SMS (or the webhook body) to a file, one line per message, the phone
//! masked: the default, so `make run` works with no gateway.
std::unique_ptr<ChannelSender> FileChannel(std::string path);

struct HttpOptions {
  std::string url;                          // the gateway or the default webhook endpoint
  std::chrono::milliseconds timeout{5000};  // whole request
  std::chrono::milliseconds connect_timeout{2000};
  std::string signature = "【惠企】";  // SMS: the sign name the gateway shows
  std::string secret;                  // webhook: the HMAC-SHA256 key
};
//! POSTs {"phone", "sign_name", "template", "params", "out_id"} as JSON to the gateway: 2xx
//! sent; 4xx (but 408/429) permanent; 5xx, 408, 429, timeouts and dropped connections retry.
std::unique_ptr<ChannelSender> HttpSmsChannel(HttpOptions options);
//! POSTs the notice as JSON to the message's address (https, or http to loopback only) with
//! `X-Huiqi-Signature: sha256=<hex HMAC of timestamp.body>`, `X-Huiqi-Timestamp` and
//! `Idempotency-Key`; the same status rules.
std::unique_ptr<ChannelSender> WebhookChannel(HttpOptions options);
//! The signature WebhookChannel sends (for receivers and tests).
std::string WebhookSignature(std::string_view secret, std::string_view timestamp, std::string_view body);

struct DeliveryOptions {
  int max_attempts = 6;                    // then the row is dead (the dead-letter list)
  std::chrono::seconds first_backoff{30};  // doubles per attempt
  std::chrono::seconds max_backoff{3600};
  std::chrono::seconds lease{120};  // a claim ends after this (a crashed worker)
  int batch = 100;                  // rows claimed at once
};

struct DeliveryReport {
  int claimed = 0, sent = 0, retried = 0, dead = 0;
};

struct DeadLetter {
  int64_t id = 0, notice_id = 0, attempts = 0;
  std::string channel, address_masked, last_error, created_at, title;
};

class Deliverer {
 public:
  //! Not owned. `channels` must have a sender for each channel the outbox uses (missing: the
  //! row stays pending and a warning is logged).
  Deliverer(store::Database& db, const core::Clock& clock, const secrets::KeyRing& keys,
            std::map<Channel, ChannelSender*> channels, DeliveryOptions options = {});
  //! Claims up to `batch` due rows and sends them. kUnavailable when the outbox cannot be read.
  core::Result<DeliveryReport> DeliverDue();
  //! The dead-letter list, newest first.
  core::Result<std::vector<DeadLetter>> DeadLetters(int limit = 100);
  //! An admin retries a dead row now (attempts reset). kConflict when it is not dead.
  core::Status Retry(int64_t outbox_id, const audit::Actor& admin);

 private:
  struct Claimed;
  void Settle(const Claimed& c, const Outcome& o);

  store::Database& db_;
  const core::Clock& clock_;
  const secrets::KeyRing& keys_;
  std::map<Channel, ChannelSender*> channels_;
  DeliveryOptions options_;
};

}  // namespace huiqi::notify
