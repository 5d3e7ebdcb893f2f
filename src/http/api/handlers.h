#pragma once
// Small helpers shared by the API handlers: answer a Result as JSON, parse the body, read {id}.

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "http/message.h"

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

//! {"items": [to_json(x) for x in list]}.
template <typename List, typename ToJson>
nlohmann::json ItemsJson(const List& list, ToJson&& to_json) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& x : list) items.push_back(to_json(x));
  return {{"items", items}};
}

}  // namespace huiqi::http
