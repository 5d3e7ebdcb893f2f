#include "search/synthetic.h"

namespace huiqi::search {

namespace {

struct Topic {
  std::string subject;    // who is supported
  std::string item;       // what the item is called after the subject
  std::string condition;  // a typical condition
  std::string type;       // policy type code
  std::string tag;
};

const std::vector<Topic>& Topics() {
  static const std::vector<Topic> kTopics = {
      {"高新技术企业", "认定奖励", "首次通过高新技术企业认定", "tech", "高新技术企业"},
      {"科技型中小企业", "研发费用补助", "入库科技型中小企业且研发费用占比不低于3%", "tech",
       "科技型中小企业"},
      {"专精特新中小企业", "培育奖励", "获评省级专精特新中小企业", "industry", "专精特新"},
      {"专精特新“小巨人”企业", "认定奖励", "获评国家级专精特新“小巨人”企业", "industry", "专精特新"},
      {"首台（套）重大装备", "保险补偿", "产品列入首台（套）重大装备推广应用指导目录", "industry", "首台套"},
      {"规模以上工业企业", "技术改造补贴", "设备投资额不低于500万元", "industry", "规上企业"},
      {"小微企业", "创业担保贷款贴息", "吸纳就业人数达到规定比例", "finance", "小微企业"},
      {"参保企业", "稳岗返还", "上年度未裁员或裁员率低于全国调查失业率控制目标", "talent", "稳岗"},
      {"外贸企业", "出口信用保险补贴", "上年度出口额不低于100万美元", "trade", "外贸"},
      {"跨境电商企业", "海外仓建设补助", "在境外自建或租用海外仓", "trade", "跨境电商"},
      {"瞪羚企业", "成长奖励", "近三年营业收入年均增长不低于20%", "tech", "瞪羚企业"},
      {"独角兽企业", "落户奖励", "企业估值超过10亿美元", "startup", "独角兽企业"},
      {"制造业企业", "智能化改造和数字化转型补贴", "实施智能车间或智能工厂建设", "industry", "数字化转型"},
      {"企业", "研发费用加计扣除", "开展研究开发活动并据实核算研发费用", "tax", "研发费用加计扣除"},
      {"增值税一般纳税人", "留抵退税", "存在增量留抵税额且纳税信用等级为A级或B级", "tax", "留抵退税"},
      {"小型微利企业", "“六税两费”减征", "年应纳税所得额不超过300万元", "tax", "六税两费"},
      {"拟上市企业", "上市挂牌奖励", "在境内外证券交易所首发上市", "finance", "上市"},
      {"知识产权优势企业", "专利资助", "获得发明专利授权", "tech", "知识产权"},
      {"绿色工厂", "节能降碳奖励", "单位产品能耗下降5%以上", "industry", "绿色低碳"},
      {"高层次人才", "安家补贴", "新引进的博士或高级职称人才", "talent", "人才"},
      {"高校毕业生", "就业见习补贴", "吸纳离校两年内未就业高校毕业生参加见习", "talent", "就业"},
      {"服务业企业", "总部经济奖励", "新认定为市级总部企业", "market", "总部经济"},
      {"农业龙头企业", "产业化项目补助", "获评市级以上农业产业化龙头企业", "industry", "农业"},
      {"文化旅游企业", "品牌创建奖励", "新获评国家4A级以上旅游景区", "market", "文旅"},
      {"软件和信息服务企业", "首版次软件奖励", "软件产品列入省首版次软件目录", "tech", "软件"},
      {"新能源企业", "光伏储能项目补贴", "项目并网运行且装机容量不低于1兆瓦", "industry", "新能源"},
      {"生物医药企业", "创新药研发奖励", "取得一类新药临床批件", "tech", "生物医药"},
      {"建筑业企业", "资质升级奖励", "首次取得施工总承包特级资质", "market", "建筑业"},
  };
  return kTopics;
}

const std::vector<std::string> kCities = {"常州市", "武进区", "新北区", "天宁区", "钟楼区", "金坛区",
                                          "溧阳市", "江阴市", "无锡市", "苏州市", "南京市", "江苏省"};
const std::vector<std::string> kCityRegions = {"320400", "320412", "320411", "320402", "320404", "320413",
                                               "320481", "320281", "320200", "320500", "320100", "320000"};
const std::vector<std::string> kVerbs = {"促进", "支持", "加快", "推动", "鼓励", "进一步支持", "全面推进"};
const std::vector<std::string> kSuffixes = {"高质量发展", "培育发展", "转型升级",
                                            "创新发展",   "做大做强", "健康发展"};
const std::vector<std::string> kForms = {"奖励", "补贴", "补助", "贴息", "资助", "一次性奖励"};
const std::vector<std::string> kFiller = {
    "申报企业应当依法纳税、诚信经营，近三年内未发生重大安全生产事故和严重环境违法行为。",
    "同一企业同一事项符合本市多项政策的，按照“就高不重复”原则执行。",
    "奖励资金由市、区两级财政按现行财政体制分担，纳入年度预算安排。",
    "对弄虚作假、骗取财政资金的，依法追回已拨付资金，并取消其三年内申报资格。",
    "各辖市（区）相关部门负责政策宣传、项目初审和资金拨付工作。",
    "本政策实施期间如遇上级政策调整，按上级政策执行。",
    "企业可通过政企通平台在线申报，实行“一网通办”“免申即享”。",
    "主管部门应当加强对资金使用情况的绩效评价和监督检查。"};
const char* const kArticleNo[] = {"一", "二", "三", "四",   "五",   "六",   "七",
                                  "八", "九", "十", "十一", "十二", "十三", "十四"};

}  // namespace

PolicyGenerator::PolicyGenerator(uint64_t seed, std::vector<std::string> departments)
    : rng_(seed), seed_(seed), departments_(std::move(departments)) {}

const std::string& PolicyGenerator::Pick(const std::vector<std::string>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng_)];
}

int PolicyGenerator::Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

std::string PolicyGenerator::Article(const std::string& subject, int n) {
  const Topic& t = Topics()[static_cast<size_t>(Uniform(0, static_cast<int>(Topics().size()) - 1))];
  std::string s = "第" + std::string(kArticleNo[n]) + "条　";
  switch (Uniform(0, 3)) {
    case 0:
      s += "对" + t.condition + "的" + subject + "，给予" + std::to_string(Uniform(1, 200) * 5) + "万元" +
           Pick(kForms) + "。";
      break;
    case 1:
      s += "支持" + t.subject + "开展" + t.item + "，按照实际投入的" + std::to_string(Uniform(5, 30)) +
           "%给予补助，单个企业最高不超过" + std::to_string(Uniform(10, 500)) + "万元。";
      break;
    case 2:
      s += Pick(kFiller);
      break;
    default:
      s += "鼓励" + subject + "加大研发投入，" + t.condition + "的，可申请" + t.subject + t.item + "。";
  }
  return s + "\n";
}

SyntheticPolicy PolicyGenerator::Next(int64_t n) {
  SyntheticPolicy out;
  out.key = "gen-" + std::to_string(seed_) + "-" + std::to_string(n);
  // Skewed towards the first topics, as real catalogues are (高企, 科小, 专精特新 …).
  size_t ti = static_cast<size_t>(
      std::min<double>(Topics().size() - 1, std::exponential_distribution<double>(0.12)(rng_)));
  const Topic& t = Topics()[ti];
  size_t ci = static_cast<size_t>(Uniform(0, static_cast<int>(kCities.size()) - 1));
  int year = Uniform(2019, 2026);
  policy::PolicyInput& p = out.policy;
  p.title = kCities[ci] + "关于" + Pick(kVerbs) + t.subject + Pick(kSuffixes) + "的若干政策";
  if (Uniform(0, 3) == 0) p.title += "（" + std::to_string(year) + "年修订）";
  p.doc_number = kCities[ci].substr(0, 3) + "政规〔" + std::to_string(year) + "〕" +
                 std::to_string(Uniform(1, 40)) + "号";
  p.level = ci == kCities.size() - 1 ? policy::Level::kProvincial
            : ci == 0 || ci >= 8     ? policy::Level::kMunicipal
                                     : policy::Level::kCounty;
  p.types = {t.type};
  p.region = kCityRegions[ci];
  if (!departments_.empty()) {
    p.departments = {
        departments_[static_cast<size_t>(Uniform(0, static_cast<int>(departments_.size()) - 1))]};
  }
  out.published_on =
      core::Date::FromYmd(year, static_cast<unsigned>(Uniform(1, 12)), static_cast<unsigned>(Uniform(1, 28)));
  p.signed_on = out.published_on.AddDays(-2);
  // Above municipal level the publication deadline counts from the upstream release (常州办法 第十条).
  if (p.level == policy::Level::kProvincial) p.upstream_released_on = out.published_on.AddDays(-1);
  p.valid_from = out.published_on;
  p.valid_to = out.published_on.AddDays(365 * 3);
  int articles = Uniform(6, 14);
  p.full_text = "第一条　为" + Pick(kVerbs) + t.subject + Pick(kSuffixes) + "，结合本地实际，制定本政策。\n";
  for (int a = 1; a < articles; ++a) p.full_text += Article(t.subject, a);
  p.interpretation_text = "一、出台背景\n为落实" + t.subject + "扶持要求，" + Pick(kFiller) +
                          "\n二、主要内容\n对" + t.condition + "的" + t.subject + "给予" + t.item + "。";
  p.highlights = {t.subject + t.item + "最高" + std::to_string(Uniform(10, 300)) + "万元",
                  "申报条件：" + t.condition};
  p.tags = {};
  int items = Uniform(0, 2);
  for (int i = 0; i < items; ++i) {
    policy::ItemInput it;
    it.name = kCities[ci] + t.subject + t.item + (i == 0 ? "" : "（第" + std::to_string(i + 1) + "批）") +
              "（" + std::to_string(n) + "）";
    it.confirm_new_name = true;
    it.region = p.region;
    it.implementing_body = kCities[ci] + "科学技术局";
    it.scope = kCities[ci] + "行政区域内依法注册的企业";
    it.period_type = Uniform(0, 2) == 0 ? policy::PeriodType::kYearRound : policy::PeriodType::kFixed;
    if (it.period_type == policy::PeriodType::kFixed) {
      it.window_start = out.published_on.AddDays(10);
      it.window_end = out.published_on.AddDays(40);
    }
    it.subsidy_standard = "符合条件的给予" + std::to_string(Uniform(5, 100)) + "万元" + Pick(kForms);
    it.conditions = {t.condition, "在本地依法注册、具有独立法人资格", "近三年无严重失信行为"};
    it.materials = {{"申请表", "电子件", true, "表格类", "申请人自备", false, "", ""}};
    it.process = {{"受理", kCities[ci] + "政务服务中心", 3}, {"审核", "主管部门", 10}};
    out.items.push_back(std::move(it));
  }
  return out;
}

policy::Policy AsPublishedPolicy(const SyntheticPolicy& s, int64_t id, std::vector<policy::Item>& items,
                                 int64_t& next_item_id) {
  const policy::PolicyInput& in = s.policy;
  policy::Policy p;
  p.id = p.root_id = id;
  p.key = s.key;
  p.title = in.title;
  p.doc_number = in.doc_number;
  p.level = in.level;
  for (const auto& t : in.types) p.types.push_back({t, t});
  p.region = in.region;
  for (const auto& d : in.departments) p.departments.push_back({0, d, d});
  if (p.departments.empty()) p.departments.push_back({0, "GEN", "生成部门"});
  p.full_text = in.full_text;
  p.interpretation_text = in.interpretation_text;
  p.highlights = in.highlights;
  p.tags = in.tags;
  p.status = policy::PolicyStatus::kPublished;
  p.publish.published_on = s.published_on;
  items.clear();
  for (const auto& ii : s.items) {
    policy::Item it;
    it.id = next_item_id++;
    it.policy_id = id;
    it.policy_title = p.title;
    it.name = ii.name;
    it.department = p.departments.front();
    it.region = ii.region;
    it.implementing_body = ii.implementing_body;
    it.scope = ii.scope;
    it.period_type = ii.period_type;
    it.window_start = ii.window_start;
    it.window_end = ii.window_end;
    it.subsidy_standard = ii.subsidy_standard;
    it.conditions = ii.conditions;
    it.status = policy::ItemStatus::kPublished;
    it.timing.published_on = s.published_on;
    items.push_back(std::move(it));
  }
  return p;
}

const std::vector<std::string>& BenchmarkQueries() {
  static const std::vector<std::string> kQueries = {
      "高企认定奖励",   "研发费用补贴",     "专精特新",     "小巨人",
      "首台套",         "稳岗返还",         "留抵退税",     "六税两费",
      "科技型中小企业", "技术改造",         "海外仓",       "上市奖励",
      "人才安家补贴",   "高新技術企業",     "数字化转型",   "常州市 高新技术企业",
      "创业担保贷款",   "发明专利资助",     "绿色工厂",     "首版次软件",
      "加计扣除",       "瞪羚企业成长奖励", "出口信用保险", "就业见习",
      "节能降碳"};
  return kQueries;
}

}  // namespace huiqi::search
