#include "enterprise/archive.h"

#include "enterprise/scale.h"

namespace huiqi::enterprise {

namespace {

constexpr int kRowsPerStatement = 100;

// The columns written per enterprise, in order; numbers and texts come from the facts by key.
struct Column {
  const char* key;
  enum { kText, kNumber, kDate } kind;
};
constexpr Column kColumns[] = {{"region", Column::kText},
                               {"industry", Column::kText},
                               {"registration_type", Column::kText},
                               {"established_on", Column::kDate},
                               {"registered_capital", Column::kNumber},
                               {"employees", Column::kNumber},
                               {"revenue", Column::kNumber},
                               {"revenue_growth", Column::kNumber},
                               {"total_assets", Column::kNumber},
                               {"rd_expense", Column::kNumber},
                               {"rd_ratio", Column::kNumber},
                               {"tax_paid", Column::kNumber},
                               {"export_value", Column::kNumber},
                               {"tax_credit_grade", Column::kText},
                               {"dishonest", Column::kNumber},
                               {"scale", Column::kText}};

// INSERT … VALUES (…), (…) for `rows` rows: built once per size, a constant thereafter.
std::string MultiRowInsert(int rows) {
  std::string cols = "id, uscc, name";
  for (const auto& c : kColumns) cols += std::string(", ") + c.key;
  cols += ", tags_known, created_at, updated_at";
  std::string one = "(?, ?, ?";
  for (size_t i = 0; i < std::size(kColumns); ++i) one += ", ?";
  one += ", ?, ?, ?)";
  std::string sql = "INSERT INTO enterprises (" + cols + ") VALUES ";
  for (int r = 0; r < rows; ++r) sql += (r ? ", " : "") + one;
  return sql;
}

std::string MultiRowTagInsert(int rows) {
  std::string sql = "INSERT INTO enterprise_tags (enterprise_id, tag, acquired_on) VALUES ";
  for (int r = 0; r < rows; ++r) sql += (r ? ", (?, ?, ?)" : "(?, ?, ?)");
  return sql;
}

const std::string& CachedSql(std::vector<std::string>& cache, int rows, std::string (*make)(int)) {
  if (cache.empty()) {
    cache.resize(kRowsPerStatement + 1);
    for (int r = 1; r <= kRowsPerStatement; ++r) cache[r] = make(r);
  }
  return cache[rows];
}

constexpr store::Statement kMaxId{"enterprise.max_id", "SELECT COALESCE(MAX(id), 0) AS m FROM enterprises"};
constexpr store::Statement kSyncSequence{
    "enterprise.sync_sequence",
    "SELECT setval(pg_get_serial_sequence('enterprises', 'id'), (SELECT MAX(id) FROM enterprises))"};
constexpr store::Statement kCount{"enterprise.count", "SELECT COUNT(*) AS n FROM enterprises"};
constexpr store::Statement kAll{
    "enterprise.all",
    "SELECT id, region, industry, registration_type, established_on, registered_capital, employees, revenue, "
    "revenue_growth, total_assets, rd_expense, rd_ratio, tax_paid, export_value, tax_credit_grade, "
    "dishonest, scale, "
    "tags_known FROM enterprises ORDER BY id"};
constexpr store::Statement kAllCustom{
    "enterprise.all_custom",
    "SELECT v.enterprise_id, v.attribute, v.num_value, v.text_value, d.type FROM enterprise_values v "
    "JOIN attribute_defs d ON d.key = v.attribute ORDER BY v.enterprise_id"};
constexpr store::Statement kAllTags{
    "enterprise.all_tags",
    "SELECT enterprise_id, tag, acquired_on FROM enterprise_tags ORDER BY enterprise_id"};

}  // namespace

void DeriveScale(rules::Facts& f) {
  ScaleInputs in;
  if (auto it = f.texts.find("industry"); it != f.texts.end()) in.industry = it->second;
  if (auto it = f.numbers.find("employees"); it != f.numbers.end()) in.employees = it->second;
  if (auto it = f.numbers.find("revenue"); it != f.numbers.end()) in.revenue_fen = it->second;
  if (auto it = f.numbers.find("total_assets"); it != f.numbers.end()) in.assets_fen = it->second;
  auto scale = in.industry.empty() ? std::nullopt : ClassifyScale(in);
  if (scale) {
    f.texts["scale"] = std::string(ScaleLabel(*scale));
  } else {
    f.texts.erase("scale");
  }
}

core::Status Archive::InsertBatch(const std::vector<EnterpriseRecord>& batch) {
  static std::vector<std::string> insert_cache, tag_cache;
  std::string now = core::FormatTimestamp(clock_.Now());
  return db_.Write([&](store::Session& s) -> core::Status {
    HQ_ASSIGN_OR_RETURN(auto max_row, s.QueryOne(kMaxId, {}, "", ""));
    int64_t next_id = max_row.Int("m") + 1;
    std::vector<std::tuple<int64_t, std::string, store::Value>> tags;
    for (size_t start = 0; start < batch.size(); start += kRowsPerStatement) {
      int rows = static_cast<int>(std::min<size_t>(kRowsPerStatement, batch.size() - start));
      store::Params p;
      p.reserve(static_cast<size_t>(rows) * 22);
      for (int r = 0; r < rows; ++r) {
        EnterpriseRecord rec = batch[start + static_cast<size_t>(r)];
        DeriveScale(rec.facts);
        int64_t id = next_id++;
        p.push_back(id);
        p.push_back(rec.uscc);
        p.push_back(rec.name);
        for (const auto& c : kColumns) {
          if (c.kind == Column::kText) {
            auto it = rec.facts.texts.find(c.key);
            p.push_back(it == rec.facts.texts.end() ? store::Null() : store::Value(it->second));
          } else {
            auto it = rec.facts.numbers.find(c.key);
            if (it == rec.facts.numbers.end()) {
              p.push_back(store::Null());
            } else if (c.kind == Column::kDate) {
              p.push_back(core::Date::FromDays(static_cast<int32_t>(it->second)).ToString());
            } else {
              p.push_back(it->second);
            }
          }
        }
        p.push_back(int64_t{rec.facts.tags_known ? 1 : 0});
        p.push_back(now);
        p.push_back(now);
        for (const auto& [tag, date] : rec.facts.tags) {
          tags.emplace_back(id, tag,
                            date ? store::Value(core::Date::FromDays(*date).ToString()) : store::Null());
        }
      }
      const std::string& sql = CachedSql(insert_cache, rows, MultiRowInsert);
      HQ_RETURN_IF_ERROR(s.Exec({"enterprise.insert_batch", sql}, p));
    }
    for (size_t start = 0; start < tags.size(); start += kRowsPerStatement) {
      int rows = static_cast<int>(std::min<size_t>(kRowsPerStatement, tags.size() - start));
      store::Params p;
      for (int r = 0; r < rows; ++r) {
        auto& [id, tag, date] = tags[start + static_cast<size_t>(r)];
        p.push_back(id);
        p.push_back(tag);
        p.push_back(date);
      }
      HQ_RETURN_IF_ERROR(
          s.Exec({"enterprise.insert_tags", CachedSql(tag_cache, rows, MultiRowTagInsert)}, p));
    }
    if (s.kind() == store::Kind::kPostgres) HQ_RETURN_IF_ERROR(s.Query(kSyncSequence));
    return core::Ok();
  });
}

core::Result<int64_t> Archive::Count() {
  return db_.ReadValue<int64_t>([](store::Session& s) -> core::Result<int64_t> {
    HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kCount, {}, "", ""));
    return r.Int("n");
  });
}

core::Result<std::vector<std::pair<int64_t, rules::Facts>>> Archive::LoadAllFacts() {
  using Out = std::vector<std::pair<int64_t, rules::Facts>>;
  return db_.ReadValue<Out>([](store::Session& s) -> core::Result<Out> {
    Out out;
    HQ_ASSIGN_OR_RETURN(auto rows, s.Query(kAll));
    out.reserve(rows.size());
    for (const auto& r : rows) {
      rules::Facts f;
      for (const auto& c : kColumns) {
        if (r.IsNull(c.key)) continue;
        if (c.kind == Column::kText) {
          f.texts[c.key] = r.Text(c.key);
        } else if (c.kind == Column::kDate) {
          auto d = core::Date::Parse(r.Text(c.key));
          if (d.ok()) f.numbers[c.key] = d->days();
        } else {
          f.numbers[c.key] = r.Int(c.key);
        }
      }
      f.tags_known = r.Bool("tags_known");
      out.emplace_back(r.Int("id"), std::move(f));
    }
    HQ_ASSIGN_OR_RETURN(auto tags, s.Query(kAllTags));
    size_t i = 0;
    for (const auto& t : tags) {
      int64_t id = t.Int("enterprise_id");
      while (i < out.size() && out[i].first < id) ++i;
      if (i == out.size() || out[i].first != id) continue;
      std::optional<int32_t> date;
      if (!t.IsNull("acquired_on")) {
        auto d = core::Date::Parse(t.Text("acquired_on"));
        if (d.ok()) date = d->days();
      }
      out[i].second.tags[t.Text("tag")] = date;
    }
    // Registered attributes (enterprise/attributes.h): dates and enum values are text.
    HQ_ASSIGN_OR_RETURN(auto custom, s.Query(kAllCustom));
    i = 0;
    for (const auto& c : custom) {
      int64_t id = c.Int("enterprise_id");
      while (i < out.size() && out[i].first < id) ++i;
      if (i == out.size() || out[i].first != id) continue;
      std::string type = c.Text("type"), key = c.Text("attribute");
      if (type == "enum" && !c.IsNull("text_value")) {
        out[i].second.texts[key] = c.Text("text_value");
      } else if (type == "date" && !c.IsNull("text_value")) {
        auto d = core::Date::Parse(c.Text("text_value"));
        if (d.ok()) out[i].second.numbers[key] = d->days();
      } else if (!c.IsNull("num_value")) {
        out[i].second.numbers[key] = c.Int("num_value");
      }
    }
    return out;
  });
}

}  // namespace huiqi::enterprise
