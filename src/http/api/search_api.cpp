#include "http/api/search_api.h"

#include <nlohmann/json.hpp>

#include "http/api/paging.h"

namespace huiqi::http {

using nlohmann::json;

namespace {

core::Result<bool> Flag(const Request& req, const char* name) {
  std::string v = req.Query(name);
  if (v.empty() || v == "0" || v == "false") return false;
  if (v == "1" || v == "true") return true;
  return core::InvalidArgument(name, "invalid_flag", std::string(name) + " 应为 0 或 1",
                               std::string(name) + " must be 0 or 1");
}

json Facets(const std::vector<search::FacetCount>& counts) {
  json out = json::array();
  for (const auto& f : counts) out.push_back({{"code", f.code}, {"label", f.label}, {"count", f.count}});
  return out;
}

json HitJson(const search::Hit& h) {
  return {{"kind", h.kind},
          {"id", h.id},
          {"policy_id", h.policy_id},
          {"title", h.title},
          {"snippet", h.snippet},
          {"score", h.score},
          {"level", h.level},
          {"level_label", h.level_label},
          {"department", h.department},
          {"published_on", h.published_on},
          {"status", h.status},
          // 申报时间 and the amount, where the document has them (null otherwise).
          {"window",
           h.period_type.empty() && h.window_start.empty()
               ? json()
               : json{{"period_type", h.period_type}, {"start", h.window_start}, {"end", h.window_end}}},
          {"amount", h.amount_max_fen || !h.amount_text.empty()
                         ? json{{"max_fen", h.amount_max_fen ? json(*h.amount_max_fen) : json()},
                                {"text", h.amount_text}}
                         : json()}};
}

Response Search(search::SearchService& search, const Request& req) {
  auto paging = ParsePaging(req);
  if (!paging.ok()) return Response::FromError(paging.error());
  auto repealed = Flag(req, "include_repealed");
  if (!repealed.ok()) return Response::FromError(repealed.error());
  search::SearchQuery q;
  q.q = req.Query("q");
  q.level = req.Query("level");
  q.type = req.Query("type");
  q.department = req.Query("department");
  q.tag = req.Query("tag");
  q.region = req.Query("region");
  q.period = req.Query("period");
  q.kind = req.Query("kind");
  q.sort = req.Query("sort");
  q.include_repealed = *repealed;
  q.page = paging->page;
  q.page_size = paging->page_size;
  auto r = search.Search(q);
  if (!r.ok()) return Response::FromError(r.error());
  json items = json::array();
  for (const auto& h : r->items) items.push_back(HitJson(h));
  json body = PageJson(std::move(items), r->total, *paging);
  body["total_exact"] = r->total_exact;
  body["facets"] = {
      {"level", Facets(r->level)}, {"type", Facets(r->type)}, {"department", Facets(r->department)}};
  return Response::Ok(body);
}

}  // namespace

void RegisterSearchApi(Router& router, search::SearchService& search) {
  router.Add("GET", "/api/v1/search", Access::Public(), Caching::kPublished,
             [&search](Request& req) { return Search(search, req); });
  router.Add("GET", "/api/v1/search/suggest", Access::Public(), Caching::kPublished, [&search](Request& req) {
    auto s = search.Suggest(req.Query("q"), 10);
    if (!s.ok()) return Response::FromError(s.error());
    return Response::Ok({{"suggestions", *s}});
  });
}

}  // namespace huiqi::http
