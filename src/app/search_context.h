#pragma once
// Opening the search index for commands and the server (issue 5). The index is a cache beside
// the database: HUIQI_SEARCH_DIR, else for sqlite:DIR/NAME.db the directory DIR/NAME-search, else
// var/search. The lexicon and synonyms come from <data dir>/search/.

#include <memory>
#include <string>

#include "app/config.h"
#include "policy/policy_service.h"
#include "search/search_service.h"

namespace huiqi::app {

std::string SearchIndexDir(const CommonOptions& common);
search::SearchOptions SearchOptionsFor(const CommonOptions& common, const std::string& index_dir = "");
//! Opens the index (rebuilding it when fresh or built with another lexicon); Fail()s on error.
std::unique_ptr<search::SearchService> OpenSearchOrFail(const CommonOptions& common, store::Database& db,
                                                        policy::PolicyService& policies,
                                                        const std::string& index_dir = "");
//! After seed-demo: brings the index up to date, or says why not (a running server holds it
//! and will catch up by itself). Never fails the seed.
void UpdateSearchAfterSeed(const CommonOptions& common, store::Database& db, policy::PolicyService& policies);

}  // namespace huiqi::app
