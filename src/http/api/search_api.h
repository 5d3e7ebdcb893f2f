#pragma once
// Full-text search over HTTP (public: anyone may look for a policy).
//   GET
//   /api/v1/search?q=&level=&type=&department=&tag=&region=&period=&kind=&include_repealed=&page=&page_size=
//       → {items: [{kind, id, policy_id, title, snippet, score, level, level_label, department,
//                   published_on, status}], total, total_exact, page, page_size,
//          facets: {level: [{code, label, count}], type: […], department: […]}}
//       empty q: newest publications first; no match: an empty list with total 0.
//   GET /api/v1/search/suggest?q= → {suggestions: [up to 10 strings]}

#include "http/router.h"
#include "search/search_service.h"

namespace huiqi::http {

void RegisterSearchApi(Router& router, search::SearchService& search);

}  // namespace huiqi::http
