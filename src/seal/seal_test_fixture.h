#pragma once
// Shared by the seal module's tests only: a fresh database of each backend with two departments,
// a standing clock and a service with a test passphrase.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "seal/opinion.h"
#include "seal/seal_service.h"
#include "support/test_db.h"

namespace huiqi::seal::testing {

inline constexpr char kPassphrase[] = "test-seal-passphrase-2026";
inline constexpr store::Statement kInsertDepartment{"test.insert_department",
                                                    "INSERT INTO departments (code, name, level, created_at) "
                                                    "VALUES (?, ?, 'municipal', '2026-01-01T00:00:00+08:00') "
                                                    "RETURNING id"};

inline SealOptions TestOptions(std::string passphrase = kPassphrase) {
  SealOptions o;
  o.key_passphrase = std::move(passphrase);
  o.kdf_iterations = 10000;  // the floor: keeps the tests quick
  return o;
}

inline ReviewOpinion SampleOpinion() {
  ReviewOpinion o;
  o.application_id = 42;
  o.stage = "department_review";
  o.decision = "approve";
  o.text = "材料齐全，符合《办法》第三条规定的条件，同意拨付。";
  o.reviewer = "kjj_officer";
  o.reviewed_at = core::ShanghaiMidnight(core::Date::FromYmd(2026, 3, 2)) + std::chrono::hours(10);
  o.material_hashes = {"sm3:66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
                       "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"};
  return o;
}

class SealTest : public ::testing::TestWithParam<store::Kind> {
 protected:
  void SetUp() override {
    db_ = huiqi::testing::FreshDatabase(GetParam());
    svc_ = std::make_unique<SealService>(*db_, clock_, TestOptions());
    kjj_ = AddDepartment(*db_, "CZ-KJJ", "常州市科学技术局");
    swj_ = AddDepartment(*db_, "CZ-SWJ", "常州市商务局");
  }

  static int64_t AddDepartment(store::Database& db, const std::string& code, const std::string& name) {
    auto id = db.WriteValue<int64_t>([&](store::Session& s) -> core::Result<int64_t> {
      HQ_ASSIGN_OR_RETURN(auto r, s.QueryOne(kInsertDepartment, {code, name}, "", ""));
      return r.Int("id");
    });
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }

  //! The CA and a seal for the department; fails the test when either cannot be made.
  DepartmentSeal Issue(int64_t department_id, const std::string& code, const std::string& name) {
    auto ca = svc_->EnsureCa(actor_);
    EXPECT_TRUE(ca.ok()) << ca.error().ToString();
    auto seal = svc_->IssueDepartmentSeal(actor_, {department_id, code, name, ""});
    EXPECT_TRUE(seal.ok()) << seal.error().ToString();
    return seal.ok() ? *seal : DepartmentSeal{};
  }
  DepartmentSeal IssueKjj() { return Issue(kjj_, "CZ-KJJ", "常州市科学技术局"); }

  VerifyReport MustVerify(std::string_view der, std::string_view data) {
    auto rep = svc_->Verify(der, data);
    EXPECT_TRUE(rep.ok()) << rep.error().ToString();
    return rep.ok() ? *rep : VerifyReport{};
  }

  static const VerifyStep& Step(const VerifyReport& r, std::string_view code) {
    for (const auto& s : r.steps) {
      if (s.code == code) return s;
    }
    static const VerifyStep missing{"missing", 0, "", StepStatus::kSkipped, ""};
    ADD_FAILURE() << "no step " << code;
    return missing;
  }

  //! The codes of the failed steps, joined by ",".
  static std::string Failed(const VerifyReport& r) {
    std::string out;
    for (const auto& s : r.steps) {
      if (s.status == StepStatus::kFailed) out += (out.empty() ? "" : ",") + s.code;
    }
    return out;
  }

  std::unique_ptr<store::Database> db_;
  core::FixedClock clock_{core::ShanghaiMidnight(core::Date::FromYmd(2026, 3, 1)) + std::chrono::hours(9)};
  std::unique_ptr<SealService> svc_;
  audit::Actor actor_{std::nullopt, "cli"};
  int64_t kjj_ = 0, swj_ = 0;
};

}  // namespace huiqi::seal::testing
