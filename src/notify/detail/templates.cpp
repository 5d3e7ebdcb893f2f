// SMS templates (Chinese gateways send only reviewed "通知" templates with ${variables}; the sign
// name 【惠企】 is added by the gateway and by RenderSms). The ids are what the gateway knows.
#include <map>
#include <string>

#include "notify/detail/statements.h"

namespace huiqi::notify::detail {

std::string SmsTemplateText(std::string_view id) {
  static const std::map<std::string, std::string, std::less<>> kTemplates = {
      {"SMS_VERIFY", "您的注册验证码为 ${code}，${minutes} 分钟内有效。如非本人操作，请忽略本短信。"},
      {"SMS_STEP",
       "您的申报“${item}”（${case}）已进入“${stage}”环节，由${holder}办理，时限至 "
       "${due}。详情请登录法人空间查看。"},
      {"SMS_RETURNED",
       "您的申报“${item}”（${case}）需补正，请于 ${due} 前登录法人空间查看补正通知并一次补齐。"},
      {"SMS_DECISION", "您的申报“${item}”（${case}）审核结果：${result}。详情请登录法人空间查看。"},
      {"SMS_OFFER",
       "您有一项免申即享政策待确认：“${item}”，金额 ${amount}，请于 ${due} 前登录法人空间确认。"},
      {"SMS_PUSH", "“${item}”可能与贵单位相关：${reason}。详情请登录法人空间查看，退订请在消息中心操作。"},
      {"SMS_NOTICE", "${text}"},
  };
  auto it = kTemplates.find(id);
  return it == kTemplates.end() ? "" : it->second;
}

}  // namespace huiqi::notify::detail
