#pragma once
// Pagination for every list endpoint: ?page=1&page_size=20 (1..100); answers carry the total.

#include <nlohmann/json.hpp>

#include "http/message.h"

namespace huiqi::http {

struct Paging {
  int page = 1;
  int page_size = 20;
};

inline core::Result<Paging> ParsePaging(const Request& req) {
  Paging p;
  auto parse = [&](const char* name, int lo, int hi, int& out) -> core::Status {
    std::string v = req.Query(name);
    if (v.empty()) return core::Ok();
    try {
      size_t used = 0;
      int n = std::stoi(v, &used);
      if (used == v.size() && n >= lo && n <= hi) {
        out = n;
        return core::Ok();
      }
    } catch (...) {
    }
    return core::InvalidArgument(
        name, "invalid_number",
        std::string(name) + " 应为 " + std::to_string(lo) + "–" + std::to_string(hi) + " 的整数",
        std::string(name) + " out of range");
  };
  HQ_RETURN_IF_ERROR(parse("page", 1, 1000000, p.page));
  HQ_RETURN_IF_ERROR(parse("page_size", 1, 100, p.page_size));
  return p;
}

inline nlohmann::json PageJson(nlohmann::json items, int64_t total, const Paging& p) {
  return {{"items", std::move(items)}, {"total", total}, {"page", p.page}, {"page_size", p.page_size}};
}

}  // namespace huiqi::http
