#pragma once
// Small helpers shared by the API handlers: answer a Result as JSON, parse the body, read {id}.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/date.h"
#include "core/error.h"
#include "http/message.h"
#include "http/router.h"

namespace huiqi::http {

//! The error in the standard format, or `map(value)` as JSON with `status`.
template <typename T, typename Map>
Response Answer(const core::Result<T>& r, Map&& map, int status = 200) {
  if (!r.ok()) return Response::FromError(r.error());
  return Response::Json(status, map(*r));
}

//! Calls `fn(body)` with the parsed JSON object, or answers the parse error (field "body").
template <typename Fn>
Response WithBody(const Request& req, Fn&& fn) {
  auto body = req.JsonBody();
  if (!body.ok()) return Response::FromError(body.error());
  return fn(*body);
}

//! Calls `fn(id)` with the path's {id}, or answers its error.
template <typename Fn>
Response WithId(const Request& req, Fn&& fn) {
  auto id = req.PathId("id");
  if (!id.ok()) return Response::FromError(id.error());
  return fn(*id);
}

//! A string member of a JSON body, or "" when absent or not a string.
inline std::string Str(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

//! A required positive integer id member, or an error naming it.
inline core::Result<int64_t> IdIn(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) {
    return core::InvalidArgument(key, "invalid_id", std::string(key) + " 应为正整数",
                                 std::string(key) + " must be an id");
  }
  return it->get<int64_t>();
}

//! An optional integer member (absent or null → nullopt; not an integer → an error naming it).
inline core::Result<std::optional<int64_t>> OptIntIn(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<int64_t>{};
  if (!it->is_number_integer()) {
    return core::InvalidArgument(key, "invalid_type", std::string(key) + " 应为整数",
                                 std::string(key) + " must be an integer");
  }
  return std::optional<int64_t>{it->get<int64_t>()};
}

//! An optional integer in the query string (?confirm_days=5), or an error naming it.
inline core::Result<std::optional<int64_t>> QueryInt(const Request& req, const char* name) {
  std::string v = req.Query(name);
  if (v.empty()) return std::optional<int64_t>{};
  try {
    size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used == v.size()) return std::optional<int64_t>{n};
  } catch (...) {
  }
  return core::InvalidArgument(name, "invalid_number", std::string(name) + " 应为整数",
                               std::string(name) + " must be an integer");
}

//! An optional positive id in the query string (?item_id=3), or an error naming it.
inline core::Result<std::optional<int64_t>> QueryId(const Request& req, const char* name) {
  auto n = QueryInt(req, name);
  if (n.ok() && (!*n || **n > 0)) return n;
  return core::InvalidArgument(name, "invalid_id", std::string(name) + " 应为正整数",
                               std::string(name) + " must be an id");
}

//! Optional values as JSON: null when absent (an empty string counts as absent for OptText).
inline nlohmann::json DateJson(const std::optional<core::Date>& d) {
  return d ? nlohmann::json(d->ToString()) : nlohmann::json();
}
inline nlohmann::json OptInt(const std::optional<int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}
inline nlohmann::json OptText(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

//! The owner check (Router::SetOwnerCheck) made of a lookup that refuses strangers: Ok when
//! `get(viewer, id)` finds the object for that viewer, else its error.
template <typename Get>
OwnerCheck VisibleTo(Get get) {
  return [get](const auth::Principal& viewer, int64_t id) -> core::Status {
    auto found = get(viewer, id);
    if (!found.ok()) return found.error();
    return core::Ok();
  };
}

//! {"items": [to_json(x) for x in list]}.
template <typename List, typename ToJson>
nlohmann::json ItemsJson(const List& list, ToJson&& to_json) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& x : list) items.push_back(to_json(x));
  return {{"items", items}};
}

}  // namespace huiqi::http
