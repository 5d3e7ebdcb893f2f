// Notices and their delivery, on both databases, against a real HTTP receiver on loopback that
// answers as told: 200, 500, 400, a stall past the client's timeout, a dropped connection.
#include "notify/notify.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "notify/deliverer.h"
#include "support/test_db.h"

namespace huiqi::notify {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using nlohmann::json;

constexpr store::Statement kInsertUser{
    "test.insert_user",
    "INSERT INTO users (login, display_name, kind, password_hash, created_at, updated_at) "
    "VALUES (?, ?, 'enterprise', 'x', '2026-01-01T00:00:00+08:00', '2026-01-01T00:00:00+08:00') RETURNING "
    "id"};
constexpr store::Statement kCount{"test.count_outbox", "SELECT COUNT(*) AS n FROM outbox WHERE status = ?"};
constexpr store::Statement kAttempts{"test.attempts", "SELECT COUNT(*) AS n FROM outbox_attempts"};

//! A loopback HTTP server answering each request with the next scripted behaviour (then 200).
class Receiver {
 public:
  enum class Act { kOk, kFail500, kFail400, kStall, kDrop };
  Receiver() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Loop(); });
  }
  ~Receiver() {
    stop_ = true;
    asio::io_context ioc;
    tcp::socket s(ioc);
    boost::system::error_code ec;
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);  // wake accept
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  void Script(std::initializer_list<Act> acts) {
    std::lock_guard lock(mu_);
    for (Act a : acts) script_.push_back(a);
  }
  struct Got {
    std::string body, idempotency_key, signature, timestamp;
  };
  std::vector<Got> Received() {
    std::lock_guard lock(mu_);
    return got_;
  }

 private:
  void Loop() {
    while (!stop_) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) continue;
      boost::beast::flat_buffer buf;
      bhttp::request<bhttp::string_body> req;
      bhttp::read(socket, buf, req, ec);
      if (ec) continue;
      Act act = Act::kOk;
      {
        std::lock_guard lock(mu_);
        if (!script_.empty()) {
          act = script_.front();
          script_.pop_front();
        }
        got_.push_back({req.body(), std::string(req["Idempotency-Key"]),
                        std::string(req["X-Huiqi-Signature"]), std::string(req["X-Huiqi-Timestamp"])});
      }
      if (act == Act::kDrop) continue;  // the socket closes without an answer
      if (act == Act::kStall) std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      int status = act == Act::kFail500 ? 500 : act == Act::kFail400 ? 400 : 200;
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
      res.body() = status == 200 ? R"({"code":"OK"})" : R"({"code":"ERR"})";
      res.prepare_payload();
      bhttp::write(socket, res, ec);
    }
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::deque<Act> script_;
  std::vector<Got> got_;
};

class NotifyTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = testing::FreshDatabase(GetParam());
    for (const char* login : {"ent_a", "ent_b"}) {
      users_.push_back(db_->WriteValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
                            HQ_ASSIGN_OR_RETURN(
                                auto r,
                                s.QueryOne(kInsertUser, {std::string(login), std::string(login)}, "", ""));
                            return r.Int("id");
                          })
                           .value());
    }
  }
  int64_t SendTo(int64_t user, std::vector<Delivery> d, const std::string& title = "补正通知") {
    return db_
        ->WriteValue<int64_t>([&](store::Session& s) {
          Notice n;
          n.user_id = user;
          n.kind = "application.returned";
          n.title = title;
          n.body = "请补齐两项材料";
          n.link = "/space/applications/1";
          return notifier_.Send(s, n, d);
        })
        .value();
  }
  Delivery Sms(const std::string& phone = "13800000001") {
    return {Channel::kSms,
            phone,
            "SMS_RETURNED",
            {{"item", "研发费用补助"}, {"case", "SB-1"}, {"due", "2026-12-09"}}};
  }
  int64_t Count(const char* status) {
    return db_
        ->ReadValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
          HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kCount, {std::string(status)}, "", ""));
          return r.Int("n");
        })
        .value();
  }
  HttpOptions Http(const Receiver& r) {
    HttpOptions o;
    o.url = r.Url();
    o.timeout = std::chrono::milliseconds(700);
    o.secret = "webhook-secret";
    return o;
  }

  std::unique_ptr<store::Database> db_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 12, 2))};
  secrets::KeyRing keys_ = secrets::KeyRing::Ephemeral();
  Notifier notifier_{clock_, keys_};
  std::vector<int64_t> users_;
};

TEST_P(NotifyTest, ANoticeAndItsDeliveriesCommitOrRollBackWithTheChange) {
  auto failed = db_->Write([&](store::Session& s) -> core::Status {
    Notice n;
    n.user_id = users_[0];
    n.kind = "x";
    n.title = "不会留下";
    HQ_RETURN_IF_ERROR(notifier_.Send(s, n, {Sms()}));
    return core::Internal("the change itself failed");
  });
  ASSERT_FALSE(failed.ok());
  Inbox inbox(*db_, clock_);
  EXPECT_EQ(inbox.List(users_[0], std::nullopt, 1, 20)->total, 0);
  EXPECT_EQ(Count("pending"), 0);
  SendTo(users_[0], {Sms()});
  EXPECT_EQ(inbox.List(users_[0], std::nullopt, 1, 20)->total, 1);
  EXPECT_EQ(Count("pending"), 1);
  auto stored = db_->ReadValue<store::Rows>([](store::Session& s) {
    return s.Query({"test.addresses", "SELECT address FROM outbox"});
  });
  EXPECT_EQ(stored->front().Text("address").find("13800000001"), std::string::npos) << "the phone is sealed";
}

TEST_P(NotifyTest, TheInboxIsTheUsersOwn) {
  int64_t mine = SendTo(users_[0], {});
  SendTo(users_[0], {}, "第二条");
  SendTo(users_[1], {}, "别人的");
  Inbox inbox(*db_, clock_);
  auto page = inbox.List(users_[0], std::nullopt, 1, 20).value();
  ASSERT_EQ(page.total, 2);
  EXPECT_EQ(page.unread, 2);
  EXPECT_EQ(page.items[0].title, "第二条") << "newest first";
  EXPECT_EQ(inbox.MarkRead(users_[1], std::nullopt, mine).error().kind, core::ErrorKind::kNotFound)
      << "nobody marks another's notice";
  ASSERT_TRUE(inbox.MarkRead(users_[0], std::nullopt, mine).ok());
  EXPECT_EQ(*inbox.UnreadCount(users_[0], std::nullopt), 1);
  EXPECT_EQ(*inbox.MarkAllRead(users_[0], std::nullopt), 1);
  EXPECT_EQ(*inbox.UnreadCount(users_[0], std::nullopt), 0);
  EXPECT_EQ(*inbox.UnreadCount(users_[1], std::nullopt), 1);
}

TEST_P(NotifyTest, TheFileChannelWritesTheRenderedTextWithTheNumberMasked) {
  auto path = testing::TempDir() + "/sms.log";
  auto file = FileChannel(path);
  SendTo(users_[0], {Sms()});
  Deliverer d(*db_, clock_, keys_, {{Channel::kSms, file.get()}});
  auto rep = d.DeliverDue();
  ASSERT_TRUE(rep.ok()) << rep.error().ToString();
  EXPECT_EQ(rep->sent, 1);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("【惠企】您的申报“研发费用补助”（SB-1）需补正，请于 2026-12-09 前"),
            std::string::npos)
      << ss.str();
  EXPECT_NE(ss.str().find("138****0001"), std::string::npos);
  EXPECT_EQ(ss.str().find("13800000001"), std::string::npos);
  EXPECT_EQ(d.DeliverDue()->claimed, 0) << "a sent notice is not sent again";
}

// Found by tests/crash_test.sh: the server killed after the file channel wrote a message and
// before the outbox row was marked sent; after the lease the row is sent again by the restarted
// server, and the file held the message twice.
TEST_P(NotifyTest, TheFileChannelWritesAMessageOnceWhenItsSendIsRepeatedAfterACrash) {
  struct DiesAfterSending final : ChannelSender {
    ChannelSender* inner = nullptr;
    Outcome Send(const Message& m) override {
      inner->Send(m);
      throw std::runtime_error("killed before the row is settled");
    }
  };
  auto path = testing::TempDir() + "/sms-crash.log";
  auto before = FileChannel(path);
  DiesAfterSending dying;
  dying.inner = before.get();
  SendTo(users_[0], {Sms()});
  Deliverer first(*db_, clock_, keys_, {{Channel::kSms, &dying}});
  EXPECT_THROW((void)first.DeliverDue(), std::runtime_error);
  clock_.Advance(std::chrono::seconds(121));  // the lease of the dead worker ends
  auto after = FileChannel(path);             // a new process: nothing remembered but the file
  Deliverer second(*db_, clock_, keys_, {{Channel::kSms, after.get()}});
  auto rep = second.DeliverDue();
  ASSERT_TRUE(rep.ok()) << rep.error().ToString();
  EXPECT_EQ(rep->sent, 1) << "the row is settled";
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  EXPECT_EQ(lines, 1) << "one line for one message";
}

TEST_P(NotifyTest, FailuresRetryWithBackoffUnderOneIdempotencyKey) {
  Receiver r;
  r.Script({Receiver::Act::kFail500, Receiver::Act::kStall, Receiver::Act::kDrop, Receiver::Act::kOk});
  auto sms = HttpSmsChannel(Http(r));
  SendTo(users_[0], {Sms()});
  Deliverer d(*db_, clock_, keys_, {{Channel::kSms, sms.get()}});
  EXPECT_EQ(d.DeliverDue()->retried, 1) << "500";
  EXPECT_EQ(d.DeliverDue()->claimed, 0) << "not before its backoff";
  clock_.Advance(std::chrono::seconds(31));
  EXPECT_EQ(d.DeliverDue()->retried, 1) << "stalled past the client's timeout";
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(d.DeliverDue()->retried, 1) << "connection dropped";
  clock_.Advance(std::chrono::seconds(121));
  EXPECT_EQ(d.DeliverDue()->sent, 1);
  auto got = r.Received();
  ASSERT_EQ(got.size(), 4u);
  for (const auto& g : got) EXPECT_EQ(g.idempotency_key, got[0].idempotency_key);
  json body = json::parse(got.back().body);
  EXPECT_EQ(body["phone"], "13800000001");
  EXPECT_EQ(body["template"], "SMS_RETURNED");
  EXPECT_EQ(body["params"]["case"], "SB-1");
  EXPECT_EQ(body["sign_name"], "【惠企】");
  EXPECT_EQ(Count("sent"), 1);
  EXPECT_EQ(db_->ReadValue<int64_t>([](store::Session& s) -> core::Result<int64_t> {
                 HQ_ASSIGN_OR_RETURN(auto row, s.QueryOne(kAttempts, {}, "", ""));
                 return row.Int("n");
               })
                .value(),
            4);
}

TEST_P(NotifyTest, APermanentFailureOrTheLastAttemptIsADeadLetterAnAdminRetries) {
  Receiver r;
  r.Script({Receiver::Act::kFail400, Receiver::Act::kFail500, Receiver::Act::kFail500});
  auto sms = HttpSmsChannel(Http(r));
  SendTo(users_[0], {Sms()});
  SendTo(users_[1], {Sms("13800000002")});
  DeliveryOptions o;
  o.max_attempts = 2;
  Deliverer d(*db_, clock_, keys_, {{Channel::kSms, sms.get()}}, o);
  auto first = d.DeliverDue().value();
  EXPECT_EQ(first.dead, 1) << "400: the gateway refused the message itself";
  EXPECT_EQ(first.retried, 1);
  clock_.Advance(std::chrono::seconds(31));
  EXPECT_EQ(d.DeliverDue()->dead, 1) << "the last of two attempts failed";
  auto dead = d.DeadLetters().value();
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].address_masked, "138****0002");
  EXPECT_NE(dead[1].last_error.find("HTTP 400"), std::string::npos) << dead[1].last_error;
  ASSERT_TRUE(d.Retry(dead[0].id, {std::nullopt, "admin"}).ok());
  EXPECT_EQ(d.Retry(dead[0].id, {std::nullopt, "admin"}).error().kind, core::ErrorKind::kConflict);
  EXPECT_EQ(d.DeliverDue()->sent, 1);
  EXPECT_EQ(d.DeadLetters()->size(), 1u);
}

TEST_P(NotifyTest, WebhooksAreSignedAndGoOnlyToHttpsOrLoopback) {
  Receiver r;
  auto hook = WebhookChannel(Http(r));
  SendTo(users_[0], {{Channel::kWebhook, r.Url(), "", {}}});
  SendTo(users_[0], {{Channel::kWebhook, "http://example.org/hook", "", {}}});
  Deliverer d(*db_, clock_, keys_, {{Channel::kWebhook, hook.get()}});
  auto rep = d.DeliverDue().value();
  EXPECT_EQ(rep.sent, 1);
  EXPECT_EQ(rep.dead, 1) << "plain http off loopback";
  auto got = r.Received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].signature, "sha256=" + WebhookSignature("webhook-secret", got[0].timestamp, got[0].body));
  EXPECT_NE(got[0].signature, "sha256=" + WebhookSignature("other-secret", got[0].timestamp, got[0].body));
  EXPECT_EQ(json::parse(got[0].body)["title"], "补正通知");
}

// A worker that claimed rows and died: after the lease another worker sends them, under the
// same idempotency key; several workers at once never take the same row (SKIP LOCKED).
TEST_P(NotifyTest, AClaimOutlivesItsWorkerOnlyUntilTheLease) {
  Receiver r;
  auto sms = HttpSmsChannel(Http(r));
  SendTo(users_[0], {Sms()});
  ASSERT_TRUE(
      db_->Write([](store::Session& s) -> core::Status {
           HQ_RETURN_IF_ERROR(s.Exec(
               {"test.crashed_claim",
                "UPDATE outbox SET status = 'sending', claim_token = 'dead-worker', claimed_until = 0, "
                "attempts = 1"}));
           return core::Ok();
         })
          .ok());
  Deliverer d(*db_, clock_, keys_, {{Channel::kSms, sms.get()}});
  EXPECT_EQ(d.DeliverDue()->sent, 1) << "the lease of the dead worker has ended";
  EXPECT_EQ(r.Received().size(), 1u);
}

TEST_P(NotifyTest, ConcurrentWorkersSendEachNoticeOnce) {
  Receiver r;
  auto sms = HttpSmsChannel(Http(r));
  constexpr int kNotices = 40;
  for (int i = 0; i < kNotices; ++i) SendTo(users_[i % 2], {Sms("138000000" + std::to_string(10 + i))});
  DeliveryOptions o;
  o.batch = 5;
  std::atomic<int> sent{0};
  auto worker = [&] {
    Deliverer d(*db_, clock_, keys_, {{Channel::kSms, sms.get()}}, o);
    for (int round = 0; round < 20; ++round) {
      auto rep = d.DeliverDue();
      if (rep.ok()) sent += rep->sent;
    }
  };
  std::thread a(worker), b(worker), c(worker);
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(sent.load(), kNotices);
  std::set<std::string> keys;
  for (const auto& g : r.Received()) keys.insert(g.idempotency_key);
  EXPECT_EQ(r.Received().size(), static_cast<size_t>(kNotices)) << "no row sent twice";
  EXPECT_EQ(keys.size(), static_cast<size_t>(kNotices));
}

INSTANTIATE_TEST_SUITE_P(Backends, NotifyTest, ::testing::ValuesIn(testing::Backends()),
                         testing::PrintBackend{});

TEST(RenderSms, FillsTheTemplateAndSigns) {
  EXPECT_EQ(RenderSms("SMS_DECISION", {{"item", "首台套奖励"}, {"case", "SB-9"}, {"result", "已通过"}}),
            "【惠企】您的申报“首台套奖励”（SB-9）审核结果：已通过。详情请登录法人空间查看。");
}

}  // namespace
}  // namespace huiqi::notify
