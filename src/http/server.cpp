// The only translation unit that includes Boost.Beast and Asio.

#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "http/detail/request_reading.h"
#include "http/static_files.h"

namespace huiqi::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string RequestTag() {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device rd;
  std::string tag;
  for (int i = 0; i < 6; ++i) tag += kAlphabet[rd() % 36];
  return tag;
}

// Headers every answer carries (OWASP secure headers): no sniffing a JSON body into HTML, no
// framing (clickjacking), no referrer leaking a search or a token to another site, and a content
// policy that allows only our own scripts. Element Plus sets inline styles, hence 'unsafe-inline'
// for styles only.
template <class Res>
void AddSecurityHeaders(Res& res, const ServerOptions& o) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "same-origin");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  res.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  res.set("Content-Security-Policy", o.content_security_policy);
  if (o.tls_behind_proxy) res.set("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  const Router& router;
  asio::io_context ioc;
  std::unique_ptr<asio::thread_pool> workers;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::atomic<int> in_flight{0};
  std::atomic<int> connections{0};  // open Connection objects (max_connections)
  std::atomic<uint64_t> refused{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> started{false};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;

  Impl(ServerOptions o, const Router& r) : options(std::move(o)), router(r) {}

  Response Handle(Request& req) {
    try {
      if (auto r = ServeStatic(options.static_dir, req)) return std::move(*r);
    } catch (const std::exception& e) {
      spdlog::error("static file {} [{}]: {}", req.path, req.request_id, e.what());
      return Response::FromError(core::Internal("static file"));
    }
    return router.Dispatch(req);
  }

  //! "<process tag>-<counter>": unique across the nodes behind one proxy, short in logs.
  std::string NextRequestId() { return request_tag + "-" + std::to_string(++request_counter); }
  std::string request_tag = RequestTag();
  std::atomic<uint64_t> request_counter{0};

  void Accept();
  void RefuseBusy(tcp::socket socket);
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {
    ++server_.connections;
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "" : ep.address().to_string();
  }

  ~Connection() { --server_.connections; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Connection::Read, shared_from_this()));
  }

 private:
  // The header first; then the body as a string, or — for uploads (ServerOptions::upload_prefix)
  // — streamed to a temporary file under upload_dir, so a 50 MB material is never held in memory.
  void Read() {
    header_.emplace();
    detail::LimitHeaderPhase(*header_, server_.options);  // the right body limit is set in OnHeader
    // A new connection gets header_timeout for its first request; a kept-alive one idle_timeout
    // to start and send its next.
    stream_.expires_after(first_request_ ? server_.options.header_timeout : server_.options.idle_timeout);
    first_request_ = false;
    bhttp::async_read_header(stream_, buffer_, *header_,
                             beast::bind_front_handler(&Connection::OnHeader, shared_from_this()));
  }

  bool IsUpload(const bhttp::request<bhttp::empty_body>& h) const {
    const auto& o = server_.options;
    if (o.upload_prefix.empty() || o.upload_dir.empty() || h.method() != bhttp::verb::post) return false;
    std::string_view target(h.target().data(), h.target().size());
    return target.rfind(o.upload_prefix, 0) == 0;
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return OnRead(ec, 0);
    stream_.expires_after(server_.options.read_timeout);  // the body, from here
    uploading_ = IsUpload(header_->get());
    size_t limit = detail::BodyLimit(server_.options, uploading_);
    if (detail::DeclaresTooLarge(header_->content_length(), limit))
      return OnRead(bhttp::error::body_limit, 0);
    if (uploading_) {
      upload_path_ = server_.options.upload_dir + "/upload-" + server_.NextRequestId() + "-" +
                     std::to_string(reinterpret_cast<uintptr_t>(this));
      file_.emplace(std::move(*header_));
      file_->body_limit(limit);
      beast::error_code open_ec;
      file_->get().body().open(upload_path_.c_str(), beast::file_mode::write, open_ec);
      if (open_ec) {
        spdlog::error("upload temp file {}: {}", upload_path_, open_ec.message());
        upload_path_.clear();
        return OnRead(bhttp::error::bad_target, 0);
      }
      bhttp::async_read(stream_, buffer_, *file_,
                        beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
      return;
    }
    parser_.emplace(std::move(*header_));
    parser_->body_limit(limit);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
  }

  //! Removes a temporary upload the handler did not take (refused, cut off, or an error).
  void DropUpload() {
    if (upload_path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove(upload_path_, ec);
    upload_path_.clear();
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) file_.reset();
    if (ec) DropUpload();
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == bhttp::error::partial_message) {
      return Close();
    }
    started_ = std::chrono::steady_clock::now();
    request_id_ = server_.NextRequestId();
    client_ = remote_;
    if (ec == bhttp::error::body_limit) {
      method_ = "?";
      size_t limit = detail::BodyLimit(server_.options, uploading_);
      return Send(
          Response::FromError(core::MakeError(core::ErrorKind::kPayloadTooLarge, "payload_too_large",
                                              "请求体过大（上限 " + std::to_string(limit / 1024) + " KB）",
                                              "request body too large")),
          false);
    }
    if (ec) {
      method_ = "?";
      return Send(Response::FromError(core::InvalidArgument("request", "bad_request", "HTTP 请求格式错误",
                                                            "malformed HTTP request: " + ec.message())),
                  false);
    }
    auto req = std::make_shared<Request>();
    bool keep = false;
    std::string target_text;
    auto take = [&](auto& msg) {
      keep = msg.keep_alive();
      req->method = std::string(msg.method_string());
      target_text = std::string(msg.target());
      for (const auto& f : msg) {
        std::string name(f.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        req->headers[name] = std::string(f.value());
      }
    };
    if (file_) {
      auto msg = file_->release();
      msg.body().close();
      take(msg);
      req->body_file = upload_path_;
      upload_path_.clear();  // the handler (or the cleanup below) owns it now
      file_.reset();
    } else {
      auto msg = parser_->release();
      take(msg);
      req->body = std::move(msg.body());
    }
    keep_alive_ = keep && !server_.stopping;
    std::string_view target(target_text);
    size_t q = target.find('?');
    req->path = detail::PercentDecode(target.substr(0, q), false);
    if (q != std::string_view::npos) detail::ParseQuery(target.substr(q + 1), req->query);
    req->remote_addr =
        ClientAddress(remote_, req->Header("x-forwarded-for"), server_.options.trusted_proxies);
    req->request_id = server_.NextRequestId();
    request_id_ = req->request_id;
    client_ = req->remote_addr;
    method_ = req->method;
    target_ = target_text;
    ++server_.in_flight;
    // Handlers may block on the database: run them on the worker pool, answer on our strand.
    asio::post(*server_.workers, [self = shared_from_this(), req] {
      Response resp = self->server_.Handle(*req);
      if (!req->body_file.empty()) {
        std::error_code rm;
        std::filesystem::remove(req->body_file, rm);  // not taken by the handler: nothing left behind
      }
      asio::post(self->stream_.get_executor(), [self, resp = std::move(resp)]() mutable {
        self->Send(std::move(resp), self->keep_alive_, /*counted=*/true);
      });
    });
  }

  void Send(Response resp, bool keep_alive, bool counted = false) {
    auto res =
        std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(resp.status), 11);
    res->set(bhttp::field::server, "huiqi/" HUIQI_VERSION);
    // insert, not set: a response may carry several Set-Cookie headers.
    for (auto& [k, v] : resp.headers) res->insert(k, v);
    if (!request_id_.empty()) res->set("X-Request-Id", request_id_);
    if (server_.options.security_headers) AddSecurityHeaders(*res, server_.options);
    res->keep_alive(keep_alive);
    status_ = resp.status;
    if (method_ != "HEAD") res->body() = std::move(resp.body);
    res->prepare_payload();
    bytes_ = res->body().size();
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, keep_alive, counted](
                           beast::error_code ec, std::size_t) { self->OnWrite(ec, keep_alive, counted); });
  }

  void OnWrite(beast::error_code ec, bool keep_alive, bool counted) {
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    spdlog::info("{} {} {} {}B {:.1f}ms {} {}", method_, target_, status_, bytes_, ms, client_, request_id_);
    if (counted) --server_.in_flight;
    if (ec || !keep_alive) return Close();
    Read();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::empty_body>> header_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> file_;
  std::string upload_path_;
  bool uploading_ = false;
  bool first_request_ = true;
  Server::Impl& server_;
  std::string remote_, client_, method_, target_, request_id_;
  bool keep_alive_ = false;
  int status_ = 0;
  size_t bytes_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

//! Over max_connections: a short 503 in the error format, written at once (a fresh socket's send
//! buffer takes it), and the connection closed.
void Server::Impl::RefuseBusy(tcp::socket socket) {
  static const std::string body =
      R"({"error":{"code":"too_many_connections","field":null,"message":"服务器连接已满，请稍后重试",)"
      R"("message_en":"too many connections"}})";
  static const std::string reply =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
      "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  beast::error_code ec;
  socket.non_blocking(true, ec);
  asio::write(socket, asio::buffer(reply), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
  uint64_t n = ++refused;
  if (n == 1 || n % 1000 == 0) {
    spdlog::warn("{} connections refused: {} open (max_connections {})", n, connections.load(),
                 options.max_connections);
  }
}

void Server::Impl::Accept() {
  acceptor->async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else if (connections.load() >= options.max_connections) {
      RefuseBusy(std::move(socket));
    } else {
      std::make_shared<Connection>(std::move(socket), *this)->Start();
    }
    if (!stopping) Accept();
  });
}

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() { Stop(); }

core::Result<uint16_t> Server::Start() {
  auto& s = *impl_;
  beast::error_code ec;
  auto address = asio::ip::make_address(s.options.host, ec);
  auto fail = [&](const std::string& what) {
    return core::MakeError(core::ErrorKind::kUnavailable, "listen_failed",
                           "无法监听 " + s.options.host + ":" + std::to_string(s.options.port) + "：" + what,
                           "cannot listen: " + what, "listen");
  };
  if (ec) return fail(ec.message());
  tcp::endpoint ep{address, s.options.port};
  s.acceptor.emplace(s.ioc);
  s.acceptor->open(ep.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(ep, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(ec.message());
  uint16_t port = s.acceptor->local_endpoint().port();
  s.workers = std::make_unique<asio::thread_pool>(std::max(1, s.options.worker_threads));
  s.work.emplace(asio::make_work_guard(s.ioc));
  s.Accept();
  for (int i = 0; i < std::max(1, s.options.io_threads); ++i) s.threads.emplace_back([&s] { s.ioc.run(); });
  s.started = true;
  spdlog::info("listening on http://{}:{}", s.options.host, port);
  return port;
}

void Server::Stop() {
  auto& s = *impl_;
  if (!s.started.exchange(false)) return;
  s.stopping = true;
  asio::post(s.ioc, [&s] {
    beast::error_code ec;
    s.acceptor->close(ec);
  });
  auto deadline = std::chrono::steady_clock::now() + s.options.shutdown_grace;
  while (s.in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (s.in_flight > 0) spdlog::warn("stopping with {} requests still running", s.in_flight.load());
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  s.workers->join();
  spdlog::info("server stopped");
}

core::Status Server::Run() {
  // Block SIGINT/SIGTERM before the threads start (they inherit the mask) and wait for them here.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  HQ_RETURN_IF_ERROR(Start());
  int sig = 0;
  sigwait(&set, &sig);
  spdlog::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  Stop();
  return core::Ok();
}

}  // namespace huiqi::http
