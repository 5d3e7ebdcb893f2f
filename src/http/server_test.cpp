// The server over a real socket, with a small Beast client (Beast is allowed in test files).

#include "http/server.h"

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace huiqi::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
};

class Client {
 public:
  explicit Client(uint16_t port) : stream_(ioc_) { stream_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port)); }
  Reply Send(bhttp::verb verb, const std::string& target, const std::string& body = "") {
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, "localhost");
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    bhttp::write(stream_, req);
    beast::flat_buffer buf;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64u << 20);
    bhttp::read(stream_, buf, parser);
    auto res = parser.release();
    return {static_cast<int>(res.result_int()), res.body(), std::string(res[bhttp::field::content_type])};
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

TEST_F(ServerTest, StopLetsAnInFlightRequestFinish) {
  auto pending = std::async(std::launch::async, [&] { return Client(port_).Send(bhttp::verb::get, "/api/v1/slow"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the request reach the handler
  server_->Stop();
  Reply r = pending.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["done"], true);
}

}  // namespace
}  // namespace huiqi::http
