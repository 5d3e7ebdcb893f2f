// The server over a real socket, with a small Beast client (Beast is allowed in test files).

#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

namespace huiqi::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
  std::map<std::string, std::string> headers;
};

class Client {
 public:
  explicit Client(uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }
  Reply Send(bhttp::verb verb, const std::string& target, const std::string& body = "",
             const std::string& content_type = "application/json") {
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, "localhost");
    req.set(bhttp::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    bhttp::write(stream_, req);
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64u << 20);
    bhttp::read(stream_, buf, parser);
    auto res = parser.release();
    Reply out{
        static_cast<int>(res.result_int()), res.body(), std::string(res[bhttp::field::content_type]), {}};
    for (const auto& f : res) out.headers[std::string(f.name_string())] = std::string(f.value());
    return out;
  }

 private:
  boost::asio::io_context ioc_;
  beast::tcp_stream stream_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("POST", "/api/v1/echo", Access::Public(), [](Request& r) {
      auto body = r.JsonBody();
      if (!body.ok()) return Response::FromError(body.error());
      return Response::Ok({{"echo", *body}});
    });
    router_.Add("GET", "/api/v1/slow", Access::Public(), [](Request&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return Response::Ok({{"done", true}});
    });
    static_dir_ = std::filesystem::temp_directory_path() / ("huiqi-static-" + std::to_string(::getpid()));
    std::filesystem::create_directories(static_dir_ / "assets");
    std::ofstream(static_dir_ / "index.html") << "<!doctype html><title>惠企</title>";
    std::ofstream(static_dir_ / "assets" / "app.js") << "console.log(1)";
    ServerOptions o;
    o.port = 0;
    o.body_limit = 1024;
    o.static_dir = static_dir_.string();
    server_ = std::make_unique<Server>(o, router_);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().ToString();
    port_ = *port;
  }
  void TearDown() override {
    server_->Stop();
    std::filesystem::remove_all(static_dir_);
  }
  Router router_{nullptr};
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::filesystem::path static_dir_;
};

TEST_F(ServerTest, JsonRoundTripAndKeepAlive) {
  Client c(port_);
  Reply a = c.Send(bhttp::verb::post, "/api/v1/echo", R"({"名称":"惠企"})");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(nlohmann::json::parse(a.body)["echo"]["名称"], "惠企");
  EXPECT_EQ(a.content_type, "application/json; charset=utf-8");
  Reply b = c.Send(bhttp::verb::post, "/api/v1/echo", R"({"n":2})");  // same connection
  EXPECT_EQ(nlohmann::json::parse(b.body)["echo"]["n"], 2);
}

TEST_F(ServerTest, MalformedJsonOversizeBodyAndUnknownRouteUseTheErrorFormat) {
  Reply bad = Client(port_).Send(bhttp::verb::post, "/api/v1/echo", "{\"a\":");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad.body)["error"]["field"], "body");
  Reply big = Client(port_).Send(bhttp::verb::post, "/api/v1/echo", std::string(4096, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(nlohmann::json::parse(big.body)["error"]["code"], "payload_too_large");
  Reply none = Client(port_).Send(bhttp::verb::get, "/api/v1/none");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(nlohmann::json::parse(none.body)["error"]["code"], "not_found");
}

TEST_F(ServerTest, ServesTheWebAppWithDeepLinkFallback) {
  Reply js = Client(port_).Send(bhttp::verb::get, "/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  Reply deep = Client(port_).Send(bhttp::verb::get, "/policies/12?tab=items");
  EXPECT_EQ(deep.status, 200);
  EXPECT_NE(deep.body.find("惠企"), std::string::npos);
  Reply escape = Client(port_).Send(bhttp::verb::get, "/../../etc/passwd");
  EXPECT_EQ(escape.body.find("root:"), std::string::npos);
}

// Issue 10 finding 1: an absolute path joined to the web directory replaced it, so any file on the
// server could be read (the SQLite database included).
TEST_F(ServerTest, NoPathLeavesTheWebDirectory) {
  std::ofstream(static_dir_.parent_path() / (static_dir_.filename().string() + "-secret"))
      << "SECRET-SIBLING";
  std::ofstream(static_dir_ / ".env") << "SECRET-DOTFILE";
  std::filesystem::create_symlink("/etc/passwd", static_dir_ / "assets" / "link.js");
  std::string sibling = "/../" + static_dir_.filename().string() + "-secret";
  for (const std::string& target : std::vector<std::string>{
           "//etc/passwd", "/%2fetc/passwd", "/%2Fetc/passwd", "//proc/self/cmdline",
           "/assets/..%2f..%2f..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
           "/assets/%5c..%5c..%5cetc/passwd", "/assets/app.js%00.png", "/.env", "/assets/link.js",
           "/\\etc/passwd", sibling,
           "//" + static_dir_.string() + "/../" + static_dir_.filename().string() + "-secret"}) {
    Reply r = Client(port_).Send(bhttp::verb::get, target);
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("http_test"), std::string::npos) << target << " shows the command line";
    EXPECT_TRUE(r.status == 404 || r.body.find("惠企") != std::string::npos) << target << " → " << r.status;
  }
  std::filesystem::remove(static_dir_.parent_path() / (static_dir_.filename().string() + "-secret"));
}

TEST_F(ServerTest, EveryAnswerCarriesSecurityHeadersAndARequestId) {
  for (auto [verb, target] : {std::pair{bhttp::verb::get, "/"},
                              {bhttp::verb::get, "/api/v1/none"},
                              {bhttp::verb::post, "/api/v1/echo"}}) {
    Reply r = Client(port_).Send(verb, target, verb == bhttp::verb::post ? "{}" : "");
    EXPECT_EQ(r.headers["X-Content-Type-Options"], "nosniff") << target;
    EXPECT_EQ(r.headers["X-Frame-Options"], "DENY") << target;
    EXPECT_EQ(r.headers["Referrer-Policy"], "same-origin") << target;
    EXPECT_NE(r.headers["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos)
        << target;
    EXPECT_NE(r.headers["Content-Security-Policy"].find("script-src 'self'"), std::string::npos) << target;
    EXPECT_FALSE(r.headers["X-Request-Id"].empty()) << target;
  }
}

TEST_F(ServerTest, AFormPostIsNotTakenAsJson) {
  Reply r = Client(port_).Send(bhttp::verb::post, "/api/v1/echo", "{\"a\":1}", "text/plain");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "unsupported_media_type");
}

TEST_F(ServerTest, DeepNestingIsA400AndTheServerStaysUp) {
  Reply r = Client(port_).Send(bhttp::verb::post, "/api/v1/echo", std::string(900, '['));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "json_too_deep")
      << "unbalanced, refused before parsing";
  r = Client(port_).Send(bhttp::verb::post, "/api/v1/echo",
                         "{\"v\":" + std::string(200, '[') + std::string(200, ']') + "}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "json_too_deep");
  EXPECT_EQ(Client(port_).Send(bhttp::verb::post, "/api/v1/echo", "{\"ok\":1}").status, 200);
}

TEST_F(ServerTest, StopLetsAnInFlightRequestFinish) {
  auto pending =
      std::async(std::launch::async, [&] { return Client(port_).Send(bhttp::verb::get, "/api/v1/slow"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the request reach the handler
  server_->Stop();
  Reply r = pending.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["done"], true);
}

// Slow clients (issue 16 item 4): a stalled header is cut off at header_timeout while others are
// served; beyond max_connections a new connection is told 503 at once.
class SlowClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/ping", Access::Public(), [](Request&) {
      return Response::Ok({{"pong", true}});
    });
    ServerOptions o;
    o.port = 0;
    o.header_timeout = std::chrono::seconds(1);
    o.idle_timeout = std::chrono::seconds(1);
    o.max_connections = 3;
    server_ = std::make_unique<Server>(o, router_);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().ToString();
    port_ = *port;
  }
  void TearDown() override { server_->Stop(); }
  //! A raw connection that has sent `bytes`.
  std::unique_ptr<tcp::socket> Open(const std::string& bytes) {
    auto sock = std::make_unique<tcp::socket>(ioc_);
    sock->connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
    if (!bytes.empty()) boost::asio::write(*sock, boost::asio::buffer(bytes));
    return sock;
  }
  //! Everything the server sends until it closes the connection (or `limit` passes).
  static std::string ReadAll(tcp::socket& sock) {
    std::string out;
    char buf[4096];
    boost::system::error_code ec;
    for (;;) {
      size_t n = sock.read_some(boost::asio::buffer(buf), ec);
      if (ec) break;
      out.append(buf, n);
    }
    return out;
  }
  boost::asio::io_context ioc_;
  Router router_{nullptr};
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(SlowClientTest, AStalledHeaderIsCutOffWhileOthersAreServed) {
  auto slow = Open("GET /api/v1/ping HTTP/1.1\r\nHost: x\r\n");  // never ends its header
  Reply other = Client(port_).Send(bhttp::verb::get, "/api/v1/ping");
  EXPECT_EQ(other.status, 200);
  auto started = std::chrono::steady_clock::now();
  std::string got = ReadAll(*slow);  // returns when the server closes
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(got, "") << "no answer to half a header, only the close";
  EXPECT_LT(waited, std::chrono::seconds(5)) << "closed at header_timeout (1 s), not held open";
}

TEST_F(SlowClientTest, BeyondMaxConnectionsANewOneIsTold503AndTheOthersStillWork) {
  std::vector<std::unique_ptr<tcp::socket>> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(Open(""));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // accepted and counted
  auto extra = Open("GET /api/v1/ping HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string refused = ReadAll(*extra);
  EXPECT_NE(refused.find("503"), std::string::npos) << refused;
  EXPECT_NE(refused.find("too_many_connections"), std::string::npos) << refused;
  // The idle ones are cut at their header_timeout; then there is room again.
  for (auto& s : idle) ReadAll(*s);
  idle.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Reply after = Client(port_).Send(bhttp::verb::get, "/api/v1/ping");
  EXPECT_EQ(after.status, 200);
}

TEST_F(SlowClientTest, AKeptAliveConnectionIsClosedAfterIdleTimeout) {
  auto sock = Open("GET /api/v1/ping HTTP/1.1\r\nHost: x\r\n\r\n");
  auto started = std::chrono::steady_clock::now();
  std::string got = ReadAll(*sock);  // the answer, then the close after idle_timeout
  EXPECT_NE(got.find("200 OK"), std::string::npos) << got;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace huiqi::http
