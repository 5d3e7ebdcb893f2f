// huiqi seal keygen | issue | revoke | sign | verify — electronic seals (docs/seal.md).
//
// The private-key passphrase comes from --key-passphrase or HUIQI_SEAL_PASSPHRASE. The server
// will derive it from the platform's secret key file instead, so that no operator types it.

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/commands.h"
#include "app/context.h"
#include "auth/auth_service.h"
#include "seal/seal_service.h"
#include "workflow/workflow_service.h"

namespace huiqi::app {

namespace {

struct SealCliOptions {
  std::string passphrase;  // --key-passphrase, or HUIQI_SEAL_PASSPHRASE
  std::string department;  // --department CODE
  std::string image;       // --image FILE (PNG)
  std::string data;        // --data FILE
  std::string signature;   // --signature FILE
  std::string out;         // --out FILE
  std::string reason;      // --reason TEXT
  int64_t opinion = 0;     // --opinion ID
};

const audit::Actor kCli{std::nullopt, "cli"};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    Fail(core::InvalidArgument(path, "file_unreadable", "无法读取文件 " + path, "cannot read " + path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out)
    Fail(core::InvalidArgument(path, "file_unwritable", "无法写入文件 " + path, "cannot write " + path));
}

template <typename T>
T Must(core::Result<T> r) {
  if (!r.ok()) Fail(r.error());
  return std::move(r).value();
}

// Everything a seal command needs; the service refers to the database and clock held here.
struct SealContext {
  explicit SealContext(const CommonOptions& common, const SealCliOptions& o)
      : db(OpenMigratedDatabase(common)) {
    seal::SealOptions options;
    options.key_passphrase = o.passphrase;
    if (options.key_passphrase.empty()) {
      if (const char* env = std::getenv("HUIQI_SEAL_PASSPHRASE"); env != nullptr)
        options.key_passphrase = env;
    }
    // As `huiqi serve` does: derived from the platform key ring (--key-file).
    if (options.key_passphrase.empty()) options.key_passphrase = SealPassphrase(LoadKeyRing(common));
    if (auto st = options.Validate(); !st.ok()) Fail(st.error());
    service.emplace(*db, clock, std::move(options));
  }
  auth::Department Department(const std::string& code) {
    auto keys = secrets::KeyRing::Ephemeral();  // departments hold no sealed field
    return Must(auth::AuthService(*db, clock, auth::AuthDeps{keys}).FindDepartmentByCode(code));
  }
  std::unique_ptr<store::Database> db;
  core::SystemClock clock;
  std::optional<seal::SealService> service;
};

void PrintSeal(const seal::DepartmentSeal& s) {
  std::cout << "部门 department: " << s.department_code << " " << s.department_name << "\n"
            << "印章编码 esID:   " << s.es_id << "\n"
            << "证书序列号 serial: " << s.serial << "\n"
            << "有效期 valid:    " << s.valid_from << " — " << s.valid_to << "\n"
            << "状态 status:     " << seal::SealStatusCode(s.status) << "\n";
}

void PrintReport(const seal::VerifyReport& r) {
  static constexpr const char* kMark[] = {"通过", "未通过", "未执行", "无此项"};
  for (const auto& s : r.steps) {
    std::cout << "[" << s.standard_step << "] " << s.title << "：" << kMark[static_cast<int>(s.status)]
              << " — " << s.message << "\n";
  }
  std::cout << "签章部门 department: " << r.department_code << " " << r.department_name << "\n"
            << "签章时间 signed at:  " << r.signed_at << "\n"
            << "结论 result: " << (r.ok ? "有效 valid" : "无效 INVALID") << "\n";
}

void AddKeygen(CLI::App& parent, CommonOptions& common, const std::shared_ptr<SealCliOptions>& o) {
  auto* cmd =
      parent.add_subcommand("keygen", "建立平台电子印章 CA（已有则显示） ensure the platform seal CA");
  AddCommonOptions(*cmd, common);
  cmd->callback([&common, o] {
    SealContext ctx(common, *o);
    bool created = false;
    auto ca = Must(ctx.service->EnsureCa(kCli, &created));
    std::cout << (created ? "created: " : "exists: ") << ca.subject << "\nserial: " << ca.serial
              << "\nvalid: " << ca.valid_from << " — " << ca.valid_to << "\n";
  });
}

void AddIssue(CLI::App& parent, CommonOptions& common, const std::shared_ptr<SealCliOptions>& o) {
  auto* cmd = parent.add_subcommand("issue", "为部门制发电子印章 issue a department's seal");
  AddCommonOptions(*cmd, common);
  cmd->add_option("--department", o->department, "部门编码 department code")->required();
  cmd->add_option("--image", o->image, "印章图片 PNG（缺省为红色圆章） seal picture");
  cmd->callback([&common, o] {
    SealContext ctx(common, *o);
    auth::Department d = ctx.Department(o->department);
    std::string image = o->image.empty() ? "" : ReadFile(o->image);
    PrintSeal(Must(ctx.service->IssueDepartmentSeal(kCli, {d.id, d.code, d.name, image})));
  });
}

void AddRevoke(CLI::App& parent, CommonOptions& common, const std::shared_ptr<SealCliOptions>& o) {
  auto* cmd = parent.add_subcommand("revoke", "吊销部门的电子印章 revoke a department's active seal");
  AddCommonOptions(*cmd, common);
  cmd->add_option("--department", o->department, "部门编码 department code")->required();
  cmd->add_option("--reason", o->reason, "吊销原因 reason")->required();
  cmd->callback([&common, o] {
    SealContext ctx(common, *o);
    auto active = Must(ctx.service->ActiveSeal(ctx.Department(o->department).id));
    PrintSeal(Must(ctx.service->Revoke(kCli, active.id, o->reason)));
  });
}

void AddSign(CLI::App& parent, CommonOptions& common, const std::shared_ptr<SealCliOptions>& o) {
  auto* cmd =
      parent.add_subcommand("sign", "用部门印章签署文件（测试用） sign a file with a department's seal");
  AddCommonOptions(*cmd, common);
  cmd->add_option("--department", o->department, "部门编码 department code")->required();
  cmd->add_option("--data", o->data, "待签文件 data file")->required();
  cmd->add_option("--out", o->out, "签章输出文件 (SES_Signature DER)")->required();
  cmd->callback([&common, o] {
    SealContext ctx(common, *o);
    auto signed_data = Must(ctx.service->Sign(ctx.Department(o->department).id, ReadFile(o->data)));
    WriteFile(o->out, signed_data.signature_der);
    std::cout << "signed: " << o->out << " (" << signed_data.signature_der.size()
              << " bytes)\nSM3: " << signed_data.data_sm3 << "\nat: " << signed_data.signed_at << "\n";
  });
}

void AddVerify(CLI::App& parent, CommonOptions& common, const std::shared_ptr<SealCliOptions>& o) {
  auto* cmd = parent.add_subcommand(
      "verify", "验证电子签章（失败时退出码 1） verify a signature, or a review opinion by its id");
  AddCommonOptions(*cmd, common);
  auto* opinion = cmd->add_option("--opinion", o->opinion, "审核意见编号 a review opinion's id");
  cmd->add_option("--signature", o->signature, "签章文件 (SES_Signature DER)")->excludes(opinion);
  cmd->add_option("--data", o->data, "原文文件 data file")->excludes(opinion);
  cmd->callback([&common, o] {
    SealContext ctx(common, *o);
    std::string signature, data;
    if (o->opinion > 0) {
      auto signed_opinion = Must(workflow::LoadSignedOpinion(*ctx.db, o->opinion));
      if (signed_opinion.signature_der.empty()) {
        Fail(core::MakeError(core::ErrorKind::kFailedPrecondition, "unsigned", "该意见未加盖电子印章",
                             "the opinion is not signed"));
      }
      signature = signed_opinion.signature_der;
      data = signed_opinion.data;
    } else {
      if (o->signature.empty() || o->data.empty()) {
        Fail(core::InvalidArgument("--opinion", "required", "请给出 --opinion，或 --signature 与 --data",
                                   "give --opinion, or --signature and --data"));
      }
      signature = ReadFile(o->signature);
      data = ReadFile(o->data);
    }
    auto report = Must(ctx.service->Verify(signature, data));
    PrintReport(report);
    if (!report.ok) throw ExitCode{1};
  });
}

// The signed bytes of an opinion and its signature as two files, for checking elsewhere
// (`huiqi seal verify --signature --data`, or any GB/T 38540 verifier).
void AddExportOpinion(CLI::App& parent, CommonOptions& common, const std::shared_ptr<SealCliOptions>& o) {
  auto* cmd = parent.add_subcommand("export-opinion",
                                    "导出审核意见的原文与签章 write an opinion's signed bytes and signature");
  AddCommonOptions(*cmd, common);
  cmd->add_option("--opinion", o->opinion, "审核意见编号 a review opinion's id")->required();
  cmd->add_option("--data", o->data, "原文写入此文件 the canonical opinion")->required();
  cmd->add_option("--signature", o->signature, "签章写入此文件 the SES_Signature (DER)")->required();
  cmd->callback([&common, o] {
    SealContext ctx(common, *o);
    auto signed_opinion = Must(workflow::LoadSignedOpinion(*ctx.db, o->opinion));
    WriteFile(o->data, signed_opinion.data);
    WriteFile(o->signature, signed_opinion.signature_der);
    std::cout << "opinion " << o->opinion << ": " << signed_opinion.data.size() << " bytes → " << o->data
              << ", signature " << signed_opinion.signature_der.size() << " bytes → " << o->signature << "\n";
  });
}

}  // namespace

void AddSealCommands(CLI::App& cli, CommonOptions& common) {
  auto options = std::make_shared<SealCliOptions>();
  auto* seal_cmd = cli.add_subcommand("seal", "电子印章 electronic seals (GB/T 38540)");
  seal_cmd->require_subcommand(1);
  seal_cmd->fallthrough();  // --key-passphrase also after the subcommand's name
  seal_cmd->add_option("--key-passphrase", options->passphrase,
                       "印章私钥口令 passphrase of the stored private keys (env HUIQI_SEAL_PASSPHRASE)");
  AddKeygen(*seal_cmd, common, options);
  AddIssue(*seal_cmd, common, options);
  AddRevoke(*seal_cmd, common, options);
  AddSign(*seal_cmd, common, options);
  AddVerify(*seal_cmd, common, options);
  AddExportOpinion(*seal_cmd, common, options);
}

}  // namespace huiqi::app
