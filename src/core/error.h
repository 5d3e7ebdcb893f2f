#pragma once
// One error policy for the whole project (see docs/architecture.md, "Errors"):
// expected failures are values (Result<T> / Status), exceptions only for broken invariants.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace huiqi::core {

//! The neutral error categories. http/ maps each to one status code (error_status.cpp).
enum class ErrorKind {
  kInvalidArgument,     // 400/422: bad input; `field` names the offending field
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kNotFound,            // 404
  kConflict,            // 409: state conflict, duplicate key
  kFailedPrecondition,  // 409: illegal state transition
  kPayloadTooLarge,     // 413
  kUnsupportedMedia,    // 415: a body of a type the endpoint does not take
  kRateLimited,         // 429
  kUnavailable,         // 503: database or dependency down
  kInternal,            // 500
};

std::string_view KindName(ErrorKind kind);

//! An expected failure: a category, a specific machine code (e.g. "uscc_check_digit"),
//! a Chinese message for users, an English message for logs and API clients, and the
//! field it concerns (empty when none).
struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;
  std::string message;     // 中文
  std::string message_en;  // English
  std::string field;
  int position = -1;  // where in the input the error is (rule text offset, CSV line), -1 if none
  int64_t retry_after_seconds = 0;  // kRateLimited: when to try again (HTTP Retry-After), 0 if unknown
  std::string details{};            // JSON array of every problem when there are several ("details")

  std::string ToString() const;  // "code: message_en (field)" for logs and CLI
};

Error MakeError(ErrorKind kind, std::string code, std::string message, std::string message_en,
                std::string field = {});
Error InvalidArgument(std::string field, std::string code, std::string message, std::string message_en);
Error NotFound(std::string what_zh, std::string what_en);
Error PermissionDenied(std::string message = "无权执行此操作", std::string message_en = "permission denied");
Error Internal(std::string message_en);

//! Result<T> holds either a T or an Error. [[nodiscard]] so a failure cannot be dropped.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT implicit
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;
inline Status Ok() { return {}; }

}  // namespace huiqi::core

// Propagate an error from an expression returning Result/Status.
#define HQ_RETURN_IF_ERROR(expr)                     \
  do {                                               \
    auto&& hq_status_ = (expr);                      \
    if (!hq_status_.ok()) return hq_status_.error(); \
  } while (0)

#define HQ_CONCAT_INNER(a, b) a##b
#define HQ_CONCAT(a, b) HQ_CONCAT_INNER(a, b)
// HQ_ASSIGN_OR_RETURN(auto x, Foo()); — declares x from a Result or returns its error.
#define HQ_ASSIGN_OR_RETURN(decl, expr) HQ_ASSIGN_OR_RETURN_IMPL(HQ_CONCAT(hq_result_, __LINE__), decl, expr)
#define HQ_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.error();              \
  decl = std::move(tmp).value()
