#include "match/random_rules.h"

#include <array>

namespace huiqi::match {

namespace {

template <typename T, size_t N>
const T& Pick(std::mt19937_64& rng, const std::array<T, N>& options) {
  return options[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

int Uniform(std::mt19937_64& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

const std::array<const char*, 6> kRegions = {"320402", "320404", "320411", "320412", "320205", "320281"};
const std::array<const char*, 6> kIndustries = {"C3911", "C2710", "I6510", "F5191", "M7320", "C3456"};
const std::array<const char*, 4> kScales = {"大型", "中型", "小型", "微型"};
const std::array<const char*, 5> kGrades = {"A", "B", "M", "C", "D"};
const std::array<const char*, 4> kTags = {"高新技术企业", "科技型中小企业", "专精特新中小企业", "瞪羚企业"};

std::string Leaf(std::mt19937_64& rng) {
  switch (Uniform(rng, 0, 14)) {
    case 13:
      return Uniform(rng, 0, 1) ? "reviewed \"获评市长质量奖\""
                                : "reviewed \"产品认定为首台（套）\" evidence \"认定文件\"";
    case 14:
      return "universal";
    case 12: {
      static const std::array<const char*, 6> ops = {">=", ">", "<=", "<", "=", "!="};
      return std::string("age ") + Pick(rng, ops) + " " + std::to_string(Uniform(rng, 0, 12));
    }
    case 0:
      return "employees >= " + std::to_string(Uniform(rng, 0, 300));
    case 1:
      return "employees between " + std::to_string(Uniform(rng, 0, 100)) + " and " +
             std::to_string(Uniform(rng, 100, 400));
    case 2:
      return "revenue >= " + std::to_string(Uniform(rng, 1, 5000)) + "万";
    case 3:
      return std::string("region under \"") +
             Pick(rng, std::array<const char*, 4>{"3204", "320412", "3202", "32"}) + "\"";
    case 4:
      return std::string("industry under \"") + Pick(rng, std::array<const char*, 4>{"C", "I", "39", "27"}) +
             "\"";
    case 5:
      return std::string("has \"") + Pick(rng, kTags) + "\"";
    case 6:
      return std::string("has \"") + Pick(rng, kTags) + "\" within " + std::to_string(Uniform(rng, 1, 5)) +
             " years";
    case 7:
      return "dishonest";
    case 8:
      return std::string("tax_credit_grade in [\"") + Pick(rng, kGrades) + "\", \"" + Pick(rng, kGrades) +
             "\"]";
    case 9:
      return std::string("scale ") + (Uniform(rng, 0, 1) ? "=" : "!=") + " \"" + Pick(rng, kScales) + "\"";
    case 10:
      return "rd_ratio " + std::string(Uniform(rng, 0, 1) ? ">" : "<=") + " " +
             std::to_string(Uniform(rng, 0, 800) / 100.0).substr(0, 4) + "%";
    default:
      return "established_on >= \"20" + std::to_string(Uniform(rng, 10, 25)) + "-0" +
             std::to_string(Uniform(rng, 1, 9)) + "-15\"";
  }
}

}  // namespace

std::string RandomRuleText(std::mt19937_64& rng, int depth) {
  if (depth <= 0 || Uniform(rng, 0, 2) == 0) return Leaf(rng);
  switch (Uniform(rng, 0, 2)) {
    case 0:
      return "not (" + RandomRuleText(rng, depth - 1) + ")";
    case 1:
      return "(" + RandomRuleText(rng, depth - 1) + " and " + RandomRuleText(rng, depth - 1) + ")";
    default:
      return "(" + RandomRuleText(rng, depth - 1) + " or " + RandomRuleText(rng, depth - 1) + ")";
  }
}

rules::Facts RandomFacts(std::mt19937_64& rng, core::Date today) {
  rules::Facts f;
  auto known = [&] { return Uniform(rng, 0, 6) != 0; };
  if (known()) f.texts["region"] = Pick(rng, kRegions);
  if (known()) f.texts["industry"] = Pick(rng, kIndustries);
  if (known()) f.texts["scale"] = Pick(rng, kScales);
  if (known()) f.texts["tax_credit_grade"] = Pick(rng, kGrades);
  if (known()) f.numbers["employees"] = Uniform(rng, 0, 400);
  if (known()) f.numbers["revenue"] = int64_t{Uniform(rng, 0, 6000)} * 10000 * 100;
  if (known()) f.numbers["rd_ratio"] = Uniform(rng, 0, 1000);
  if (known()) f.numbers["dishonest"] = Uniform(rng, 0, 9) == 0;
  if (known()) f.numbers["established_on"] = today.days() - Uniform(rng, 0, 6000);
  f.tags_known = known();
  if (f.tags_known) {
    for (const char* tag : kTags) {
      if (Uniform(rng, 0, 2) != 0) continue;
      bool dated = Uniform(rng, 0, 9) != 0;
      f.tags[tag] = dated ? std::optional<int32_t>(today.days() - Uniform(rng, 0, 2500)) : std::nullopt;
    }
  }
  return f;
}

}  // namespace huiqi::match
