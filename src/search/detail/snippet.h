#pragma once
// Snippets: the window of a document's text holding the most distinct query terms, HTML-escaped,
// with the matched terms in <mark>…</mark> (internal to search/).

#include <string>
#include <vector>

namespace huiqi::search::detail {

//! `texts` in order of preference (highlights before full text); `terms` normalised query
//! terms. Matching folds full-width ASCII and case (one code point for one), so the snippet
//! shows the document's own characters. Without any match: the start of the first text.
std::string Snippet(const std::vector<std::string>& texts, const std::vector<std::string>& terms,
                    size_t width = 90);

//! `text` HTML-escaped with the terms marked (titles).
std::string Highlight(const std::string& text, const std::vector<std::string>& terms);

}  // namespace huiqi::search::detail
