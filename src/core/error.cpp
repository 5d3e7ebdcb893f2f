#include "core/error.h"

namespace huiqi::core {

std::string_view KindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument:
      return "invalid_argument";
    case ErrorKind::kUnauthenticated:
      return "unauthenticated";
    case ErrorKind::kPermissionDenied:
      return "permission_denied";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kFailedPrecondition:
      return "failed_precondition";
    case ErrorKind::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorKind::kUnsupportedMedia:
      return "unsupported_media_type";
    case ErrorKind::kRateLimited:
      return "rate_limited";
    case ErrorKind::kUnavailable:
      return "unavailable";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Error::ToString() const {
  std::string s = code.empty() ? std::string(KindName(kind)) : code;
  s += ": ";
  s += message_en.empty() ? message : message_en;
  if (!field.empty()) s += " (field: " + field + ")";
  return s;
}

Error MakeError(ErrorKind kind, std::string code, std::string message, std::string message_en,
                std::string field) {
  if (code.empty()) code = std::string(KindName(kind));
  return Error{kind, std::move(code), std::move(message), std::move(message_en), std::move(field)};
}

Error InvalidArgument(std::string field, std::string code, std::string message, std::string message_en) {
  return MakeError(ErrorKind::kInvalidArgument, std::move(code), std::move(message), std::move(message_en),
                   std::move(field));
}

Error NotFound(std::string what_zh, std::string what_en) {
  return MakeError(ErrorKind::kNotFound, "not_found", what_zh + "不存在", what_en + " not found");
}

Error PermissionDenied(std::string message, std::string message_en) {
  return MakeError(ErrorKind::kPermissionDenied, "permission_denied", std::move(message),
                   std::move(message_en));
}

Error Internal(std::string message_en) {
  return MakeError(ErrorKind::kInternal, "internal", "服务器内部错误", std::move(message_en));
}

}  // namespace huiqi::core
