#pragma once
// The index layout shared by the indexer and the query side (internal to search/).
//
// Free-text terms carry a field prefix so a query can weight the fields (title > highlights >
// conditions > full text) with OP_SCALE_WEIGHT: T title / item name, H highlights and tags,
// C conditions / scope / interpretation, B full text. Character bigrams of Han runs share one
// prefix X, their within-document frequency boosted by the field they come from.
// Boolean terms (filters): Q unique id (p123 / i45), N kind, S status, L level, Y type,
// D department code, K tag, R region prefix, O policy lineage of an item, W has an application
// window, A normalised title (suggestions).

#include <xapian.h>

#include <string>
#include <string_view>

#include "policy/policy.h"
#include "search/analyzer.h"

namespace huiqi::search::detail {

// Bumped when the layout changes: an index of another version is rebuilt at open.
inline constexpr std::string_view kSchemaVersion = "5";
inline constexpr const char* kMetaSchema = "huiqi.schema";
inline constexpr const char* kMetaLexicon = "huiqi.lexicon";
inline constexpr const char* kMetaLastChange = "huiqi.last_change";

enum Slot : Xapian::valueno {
  kSlotPublished = 0,    // YYYY-MM-DD
  kSlotLevel = 1,        // "code\x1elabel"
  kSlotTypes = 2,        // "code\x1elabel" joined by \x1f
  kSlotDepartments = 3,  // "code\x1elabel" joined by \x1f
  kSlotWindowStart = 4,  // YYYY-MM-DD: 0000-00-00 year-round, 9999-12-31 pending
  kSlotWindowEnd = 5,
  kSlotSort = 6,    // published_on + zero-padded id: "newest first" for the empty query
  kSlotAmount = 7,  // Xapian::sortable_serialise(most an item can give, in fen); items only
};

struct FieldWeight {
  const char* prefix;
  unsigned bigram_wdf;  // wdf per bigram occurrence in this field
  double query_scale;   // OP_SCALE_WEIGHT for word terms of this field
};
inline constexpr FieldWeight kTitle{"T", 4, 3.0};
inline constexpr FieldWeight kHighlights{"H", 3, 2.0};
inline constexpr FieldWeight kConditions{"C", 2, 1.5};
inline constexpr FieldWeight kBody{"B", 1, 1.0};
inline constexpr FieldWeight kFields[] = {kTitle, kHighlights, kConditions, kBody};

std::string PolicyTerm(int64_t id);  // "Qp<id>"
std::string ItemTerm(int64_t id);    // "Qi<id>"
std::string LineageTerm(int64_t root_id);
std::string RegionTerm(std::string_view code);  // trailing "00" pairs dropped: 320400 → R3204
std::string SuggestTerm(std::string_view normalized);

//! The Xapian documents of a policy and of one of its items (the policy gives level and type).
Xapian::Document PolicyDocument(const Analyzer& a, const policy::Policy& p,
                                const std::vector<policy::Item>& items);
Xapian::Document ItemDocument(const Analyzer& a, const policy::Item& item, const policy::Policy& p);

//! Adds or replaces the policy's document; `items` give its application window.
void ReplacePolicy(Xapian::WritableDatabase& db, const Analyzer& a, const policy::Policy& p,
                   const std::vector<policy::Item>& items);
//! Replaces every item document of the lineage `root_id` by `items`, all of policy `current`.
void ReplaceLineageItems(Xapian::WritableDatabase& db, const Analyzer& a, int64_t root_id,
                         const std::vector<policy::Item>& items, const policy::Policy& current);

}  // namespace huiqi::search::detail
