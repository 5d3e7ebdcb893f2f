#include "enterprise/generator.h"

#include <cmath>

#include "core/uscc.h"

namespace huiqi::enterprise {

namespace {

// Weight of each prefecture by its share of Jiangsu's enterprises (rounded, for realism only).
const std::map<std::string, double> kCityWeight = {
    {"320100", 13}, {"320200", 10}, {"320300", 7}, {"320400", 8}, {"320500", 20},
    {"320600", 9},  {"320700", 4},  {"320800", 5}, {"320900", 6}, {"321000", 5},
    {"321100", 4},  {"321200", 5},  {"321300", 4}};

// Share of enterprises by GB/T 4754 section (rounded from economic census proportions).
const std::map<std::string, double> kSectionWeight = {
    {"A", 2}, {"B", 0.3}, {"C", 16},  {"D", 0.5}, {"E", 6},   {"F", 30}, {"G", 4},
    {"H", 3}, {"I", 6},   {"J", 1},   {"K", 3},   {"L", 12},  {"M", 8},  {"N", 1},
    {"O", 3}, {"P", 1},   {"Q", 0.5}, {"R", 2},   {"S", 0.2}, {"T", 0.1}};

const char* kNameParts1[] = {"恒", "新", "华", "瑞", "盛", "宏", "泰", "嘉",
                             "博", "远", "安", "捷", "卓", "鼎", "润", "星"};
const char* kNameParts2[] = {"达", "源", "科", "信", "通", "丰", "创", "汇",
                             "德", "越", "航", "晟", "锐", "澜", "辰", "和"};
const char* kNameKinds[] = {"科技",     "机械",     "电子",     "贸易", "新材料",
                            "信息技术", "装备制造", "生物科技", "物流", "建设"};

constexpr int64_t kYuan = 100;

}  // namespace

Generator::Generator(const core::ReferenceData& ref, uint64_t seed, core::Date today)
    : rng_(seed), today_(today) {
  std::vector<double> weights;
  for (const auto* e : ref.regions().All()) {
    if (e->level != "county") continue;
    auto it = kCityWeight.find(e->parent);
    if (it == kCityWeight.end()) continue;
    counties_.push_back(e->code);
    weights.push_back(it->second / static_cast<double>(ref.regions().Children(e->parent).size()));
  }
  county_pick_ = std::discrete_distribution<size_t>(weights.begin(), weights.end());
  std::vector<double> sw;
  for (const auto& [section, w] : kSectionWeight) {
    sections_.push_back(section);
    sw.push_back(w);
    for (const auto* d : ref.industries().Children(section)) divisions_[section].push_back(d->code);
  }
  section_pick_ = std::discrete_distribution<size_t>(sw.begin(), sw.end());
}

EnterpriseRecord Generator::Next(int64_t n) {
  auto uniform = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng_); };
  auto chance = [&](double p) { return uniform(0, 1) < p; };
  auto lognormal = [&](double median, double sigma) {
    return median * std::exp(sigma * std::normal_distribution<double>(0, 1)(rng_));
  };
  EnterpriseRecord rec;
  rules::Facts& f = rec.facts;
  std::string region = counties_[county_pick_(rng_)];
  std::string section = sections_[section_pick_(rng_)];
  const auto& divs = divisions_[section];
  std::string division =
      divs.empty() ? "" : divs[std::uniform_int_distribution<size_t>(0, divs.size() - 1)(rng_)];
  bool tech = section == "C" || section == "I" || section == "M";

  // A valid USCC: 9 (工商) 1 (企业), the county, an organisation code derived from n.
  // n counts from 0; taken unsigned so the compiler sees the 8 digits fit (a sign would not).
  char body[9];
  std::snprintf(body, sizeof body, "%08llu", static_cast<unsigned long long>(n) % 100000000ULL);
  std::string first17 = "91" + region + body + core::OrgCodeCheckChar(body);
  rec.uscc = first17 + core::UsccCheckChar(first17);
  rec.name =
      std::string(kNameParts1[rng_() % 16]) + kNameParts2[rng_() % 16] + kNameKinds[rng_() % 10] + "有限公司";

  auto maybe = [&](const char* key, int64_t v) {
    if (!chance(0.05)) f.numbers[key] = v;
  };
  f.texts["region"] = region;
  if (!chance(0.03)) f.texts["industry"] = section + division;
  f.texts["registration_type"] = chance(0.85)  ? "有限责任公司"
                                 : chance(0.5) ? "个人独资企业"
                                               : "股份有限公司";
  int age_days = static_cast<int>(std::min(11000.0, lognormal(2200, 0.9)));
  maybe("established_on", today_.days() - age_days);
  double employees = std::max(1.0, std::round(lognormal(8, 1.4)));
  double revenue_yuan = employees * lognormal(500000, 0.8);
  maybe("employees", static_cast<int64_t>(employees));
  maybe("revenue", static_cast<int64_t>(revenue_yuan) * kYuan);
  maybe("total_assets", static_cast<int64_t>(revenue_yuan * lognormal(1.1, 0.5)) * kYuan);
  maybe("registered_capital", static_cast<int64_t>(lognormal(1000000, 1.2)) * kYuan);
  maybe("revenue_growth", static_cast<int64_t>(std::normal_distribution<double>(600, 1500)(rng_)));
  maybe("tax_paid", static_cast<int64_t>(revenue_yuan * lognormal(0.03, 0.5)) * kYuan);
  if (tech && chance(0.5)) {
    double ratio = uniform(0.005, 0.08);
    maybe("rd_expense", static_cast<int64_t>(revenue_yuan * ratio) * kYuan);
    maybe("rd_ratio", static_cast<int64_t>(ratio * 10000));
  } else if (!chance(0.05)) {
    f.numbers["rd_expense"] = 0;
    f.numbers["rd_ratio"] = 0;
  }
  if ((section == "C" || section == "F") && chance(0.12)) {
    maybe("export_value", static_cast<int64_t>(revenue_yuan * uniform(0.1, 0.8)) * kYuan);
  } else {
    maybe("export_value", 0);
  }
  static const char* kGrades[] = {"A", "B", "M", "C", "D"};
  std::discrete_distribution<int> grade({25, 50, 15, 7, 3});
  if (!chance(0.05)) f.texts["tax_credit_grade"] = kGrades[grade(rng_)];
  maybe("dishonest", chance(0.01) ? 1 : 0);

  f.tags_known = !chance(0.05);
  if (f.tags_known) {
    auto tag = [&](const char* name, double p) {
      if (!chance(p)) return;
      f.tags[name] = chance(0.97) ? std::optional<int32_t>(today_.days() - static_cast<int>(uniform(0, 2200)))
                                  : std::nullopt;
    };
    tag("高新技术企业", tech ? 0.10 : 0.01);
    tag("科技型中小企业", tech ? 0.15 : 0.02);
    tag("专精特新中小企业", section == "C" ? 0.04 : 0.005);
    tag("专精特新\"小巨人\"", section == "C" ? 0.004 : 0.0005);
    tag("瞪羚企业", tech ? 0.01 : 0.001);
    if (section == "C" && revenue_yuan >= 2e7) tag("规上企业", 0.95);
  }
  return rec;
}

}  // namespace huiqi::enterprise
