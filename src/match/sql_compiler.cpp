#include "match/sql_compiler.h"

#include <set>

#include "rules/evaluator.h"

namespace huiqi::match {

namespace {

// Attributes stored as columns of `enterprises` (migration 0020_enterprise.sql).
const std::set<std::string>& Columns() {
  static const std::set<std::string> cols = {
      "region",    "industry", "registration_type", "established_on",   "registered_capital",
      "employees", "revenue",  "revenue_growth",    "total_assets",     "rd_expense",
      "rd_ratio",  "tax_paid", "export_value",      "tax_credit_grade", "dishonest",
      "scale"};
  return cols;
}

class Compiler {
 public:
  Compiler(const rules::Schema& schema) : schema_(schema) {}

  core::Result<std::string> Node(const rules::Node& n) {
    switch (n.kind) {
      case rules::NodeKind::kAnd:
      case rules::NodeKind::kOr: {
        std::string out;
        for (const auto& c : n.children) {
          HQ_ASSIGN_OR_RETURN(std::string part, Node(c));
          if (!out.empty()) out += n.kind == rules::NodeKind::kAnd ? " AND " : " OR ";
          out += "(" + part + ")";
        }
        return out;
      }
      case rules::NodeKind::kNot: {
        HQ_ASSIGN_OR_RETURN(std::string inner, Node(n.children[0]));
        return "NOT (" + inner + ")";
      }
      case rules::NodeKind::kHas:
        return Has(n);
      case rules::NodeKind::kReviewed:  // no column decides it: NULL, SQL's Unknown
        return std::string("CAST(NULL AS BOOLEAN)");
      case rules::NodeKind::kUniversal:
        return std::string("1 = 1");
      default:
        return Leaf(n);
    }
  }

  store::Params params;

 private:
  std::string Bind(store::Value v) {
    params.push_back(std::move(v));
    return "?";
  }

  // Dates are stored as 'YYYY-MM-DD' text, which sorts like the dates themselves.
  store::Value Scalar(const rules::AttributeDef& a, int64_t v) {
    if (a.type == rules::AttrType::kDate) return core::Date::FromDays(static_cast<int32_t>(v)).ToString();
    return v;
  }

  core::Result<std::string> Leaf(const rules::Node& n) {
    const rules::AttributeDef* a = schema_.Find(n.attr);
    if (a == nullptr) {
      return core::InvalidArgument("rule", "rule_not_in_sql", "属性“" + n.attr + "”没有对应的数据库列",
                                   "attribute has no column: " + n.attr);
    }
    // A registered attribute (enterprise_values, migration 0023) is read by a scalar subquery;
    // its placeholder is bound here, before any value of the condition, in text order.
    std::string col;
    if (Columns().count(a->key)) {
      col = "e." + a->key;
    } else if (n.kind == rules::NodeKind::kUnder) {
      return core::InvalidArgument("rule", "rule_not_in_sql", "属性“" + n.attr + "”不是代码类属性",
                                   "attribute is not a code: " + n.attr);
    } else {
      bool text = a->type == rules::AttrType::kEnum || a->type == rules::AttrType::kDate;
      col = std::string("(SELECT v.") + (text ? "text_value" : "num_value") +
            " FROM enterprise_values v WHERE v.enterprise_id = e.id AND v.attribute = " + Bind(a->key) + ")";
    }
    switch (n.kind) {
      case rules::NodeKind::kUnder: {
        if (a->code_table == "industry" && !n.text.empty() &&
            std::isalpha(static_cast<unsigned char>(n.text[0]))) {
          return "substr(" + col + ", 1, 1) = " + Bind(n.text);
        }
        if (a->code_table == "industry") {
          return "substr(" + col + ", 2, " + std::to_string(n.text.size()) + ") = " + Bind(n.text);
        }
        return col + " LIKE " + Bind(n.text + "%");
      }
      case rules::NodeKind::kIn: {
        std::string list;
        size_t count = n.is_text ? n.texts.size() : n.numbers.size();
        for (size_t i = 0; i < count; ++i) {
          list += (i ? ", " : "") + Bind(n.is_text ? store::Value(n.texts[i]) : Scalar(*a, n.numbers[i]));
        }
        return col + " IN (" + list + ")";
      }
      case rules::NodeKind::kBetween: {
        std::string lo = Bind(Scalar(*a, n.number));
        return col + " BETWEEN " + lo + " AND " + Bind(Scalar(*a, n.number2));
      }
      default: {
        std::string op = n.cmp == rules::CmpOp::kNe ? "<>" : std::string(rules::CmpSymbol(n.cmp));
        return col + " " + op + " " + Bind(n.is_text ? store::Value(n.text) : Scalar(*a, n.number));
      }
    }
  }

  std::string Has(const rules::Node& n) {
    const std::string tag_rows = "SELECT 1 FROM enterprise_tags t WHERE t.enterprise_id = e.id AND t.tag = ";
    if (n.within_years == 0) {
      return "CASE WHEN e.tags_known = 1 THEN EXISTS (" + tag_rows + Bind(n.text) + ") ELSE NULL END";
    }
    // One Bind per statement: the operands of + are unsequenced, and parameters must be
    // pushed in the order their placeholders appear.
    std::string dated = "EXISTS (" + tag_rows + Bind(n.text);
    dated += " AND t.acquired_on >= " + Bind(rules::YearsBefore(today_, n.within_years).ToString()) + ")";
    std::string undated = "EXISTS (" + tag_rows + Bind(n.text) + " AND t.acquired_on IS NULL)";
    return "CASE WHEN e.tags_known = 0 THEN NULL WHEN " + dated + " THEN TRUE WHEN " + undated +
           " THEN NULL ELSE FALSE END";
  }

 public:
  core::Date today_;

 private:
  const rules::Schema& schema_;
};

}  // namespace

core::Result<CompiledSql> CompileSql(const rules::Node& rule, const rules::Schema& schema, core::Date today) {
  Compiler c(schema);
  c.today_ = today;
  HQ_ASSIGN_OR_RETURN(std::string cond, c.Node(rules::ExpandDerived(rule, today)));
  return CompiledSql{std::move(cond), std::move(c.params)};
}

}  // namespace huiqi::match
