// The most common passwords (from public breach statistics, Chinese and international lists),
// refused whatever the case and with trailing digits or symbols stripped ("Password1", "qwerty12").
#include "auth/detail/common_passwords.h"

#include <algorithm>
#include <array>

namespace huiqi::auth::detail {

namespace {

constexpr std::array<std::string_view, 237> kCommon = {
    "!qaz2wsx",    "000000",      "00000000",      "1111",       "111111",      "11111111",     "112233",
    "11223344",    "121212",      "123123",        "123123123",  "123321",      "1234",         "12341234",
    "12344321",    "12345",       "123456",        "1234567",    "12345678",    "123456789",    "1234567890",
    "1234567890a", "123456789a",  "123456a",       "123456abc",  "1234qwer",    "123abc",       "123qwe",
    "123qweasd",   "131313",      "1314520",       "1314521",    "147258",      "147258369",    "159357",
    "159753",      "1q2w3e",      "1q2w3e4r",      "1q2w3e4r5t", "1qaz2wsx",    "1qaz2wsx3edc", "1qazxsw2",
    "2000",        "258369",      "321321",        "456456",     "5201314",     "520520",       "5211314",
    "521521",      "555555",      "654321",        "666666",     "66666666",    "696969",       "7758521",
    "777777",      "7777777",     "789789",        "888888",     "8888888",     "88888888",     "987654",
    "987654321",   "999999",      "99999999",      "a123456",    "a12345678",   "a123456789",   "a1b2c3",
    "a1b2c3d4",    "aa123456",    "aa12345678",    "aaa111",     "aaaaaa",      "abc123",       "abc12345",
    "abc123456",   "abcd1234",    "abcdef",        "abcdefg",    "access",      "admin",        "admin123",
    "admin888",    "admin@123",   "administrator", "amanda",     "andrew",      "asd123",       "asdasd",
    "asdf1234",    "asdfgh",      "asdfghjkl",     "ashley",     "austin",      "baseball",     "baseball1",
    "batman",      "beijing",     "biteme",        "buster",     "changeme",    "changeme123",  "changzhou",
    "charlie",     "cheese",      "chelsea",       "chen123456", "chengce",     "china",        "china123",
    "computer",    "dallas",      "daniel",        "default",    "demo",        "demo123",      "dragon",
    "dragon123",   "football",    "football1",     "freedom",    "george",      "ginger",       "guest",
    "harley",      "hello",       "hello123",      "hello1234",  "hockey",      "hunter",       "iloveyou",
    "iloveyou1",   "iloveyou123", "jennifer",      "jessica",    "jiangsu",     "jiangyin",     "jordan",
    "joshua",      "killer",      "klaster",       "letmein",    "letmein123",  "li123456",     "liu123456",
    "love",        "maggie",      "master",        "master123",  "matrix",      "matthew",      "michael",
    "michelle",    "mima",        "mima123",       "mobilemail", "mom",         "monitor",      "monitoring",
    "monkey",      "monkey123",   "montana",       "moon",       "moscow",      "mustang",      "nicole",
    "nihao",       "nihao123",    "p@ssw0rd",      "p@ssword",   "pass",        "passw0rd",     "password",
    "password1",   "password123", "pepper",        "princess",   "princess1",   "q1w2e3r4",     "q1w2e3r4t5",
    "qazwsx",      "qazwsxedc",   "qq123456",      "qwe123",     "qweasd",      "qweasdzxc",    "qwer1234",
    "qwerty",      "qwerty1",     "qwerty123",     "qwertyuiop", "ranger",      "robert",       "root",
    "secret",      "secret123",   "shadow",        "shadow123",  "shanghai",    "soccer",       "starwars",
    "summer",      "sunshine",    "sunshine1",     "superman",   "superman123", "taylor",       "test",
    "test123",     "test1234",    "thomas",        "thunder",    "tigger",      "toor",         "trustno1",
    "user",        "user123",     "wang123",       "welcome",    "welcome1",    "woaini",       "woaini1314",
    "woaini520",   "wodemima",    "woshishui",     "yankees",    "zaq12wsx",    "zaq1xsw2",     "zhang123",
    "zhengqitong", "zhongguo",    "zhongguo123",   "zxcvbn",     "zxcvbnm",     "zxcvbnm123",
};

}  // namespace

bool IsCommonPassword(std::string_view lower) {
  static_assert(std::is_sorted(kCommon.begin(), kCommon.end()));
  return std::binary_search(kCommon.begin(), kCommon.end(), lower);
}

}  // namespace huiqi::auth::detail
