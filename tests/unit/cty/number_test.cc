#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "internal/cty/value.h"

namespace cty {
namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr uint64_t kUint64Max = std::numeric_limits<uint64_t>::max();

Number MustParse(std::string_view text) {
  absl::StatusOr<Number> n = Number::Parse(text);
  EXPECT_TRUE(n.ok()) << text << ": " << n.status();
  return n.ok() ? *n : Number();
}

TEST(NumberTest, ShortStringKeepsShortNumbersExactAndShortensHugeOnes) {
  EXPECT_EQ(Number::Int(42).ToShortString(), "42");
  EXPECT_EQ(Number::Parse("-1.5")->ToShortString(), "-1.5");
  EXPECT_EQ(Number::Uint(18446744073709551615u).ToShortString(), "18446744073709551615");
  EXPECT_EQ(Number::Parse("1e300")->ToShortString(), "1e+300");
  EXPECT_EQ(Number::Parse("123456789012345678901234567890.5")->ToShortString(), "1.23457e+29");
}

TEST(NumberTest, UintFittingInt64IsNormalisedToInt) {
  EXPECT_TRUE(Number::Uint(42).is_int());
  EXPECT_EQ(Number::Uint(42).int_value(), 42);
  EXPECT_TRUE(Number::Uint(kUint64Max).is_uint());
  EXPECT_EQ(Number::Uint(kUint64Max).uint_value(), kUint64Max);
}

TEST(NumberTest, WholeDoublesAreNormalisedToIntegers) {
  EXPECT_TRUE(Number::Double(2.0).is_int());
  EXPECT_EQ(Number::Double(-7.0).int_value(), -7);
  EXPECT_EQ(Number::Double(-0.0), Number::Int(0));
  EXPECT_EQ(Number::Double(-0x1p63).int_value(), kInt64Min);
  EXPECT_TRUE(Number::Double(0x1p63).is_uint());
  EXPECT_EQ(Number::Double(0x1p63).uint_value(), uint64_t{1} << 63);
  EXPECT_TRUE(Number::Double(0x1p64).is_double());
  EXPECT_TRUE(Number::Double(2.5).is_double());
  EXPECT_TRUE(Number::Double(std::numeric_limits<double>::infinity()).is_double());
}

TEST(NumberTest, ParseIntegers) {
  EXPECT_EQ(MustParse("12"), Number::Int(12));
  EXPECT_EQ(MustParse("-12"), Number::Int(-12));
  EXPECT_EQ(MustParse("+12"), Number::Int(12));
  EXPECT_EQ(MustParse("007"), Number::Int(7));
  EXPECT_EQ(MustParse("-0"), Number::Int(0));
  EXPECT_EQ(MustParse("0.000"), Number::Int(0));
  EXPECT_EQ(MustParse("1e3"), Number::Int(1000));
  EXPECT_EQ(MustParse("1.5E1"), Number::Int(15));
  EXPECT_EQ(MustParse("1500e-2"), Number::Int(15));
  EXPECT_EQ(MustParse("-9223372036854775808"), Number::Int(kInt64Min));
  EXPECT_EQ(MustParse("18446744073709551615"), Number::Uint(kUint64Max));
}

TEST(NumberTest, ParseExactDoubles) {
  EXPECT_EQ(MustParse("-1.5"), Number::Double(-1.5));
  EXPECT_EQ(MustParse("2.50"), Number::Double(2.5));
  EXPECT_EQ(MustParse("0.125"), Number::Double(0.125));
  EXPECT_EQ(MustParse("18446744073709551616"), Number::Double(0x1p64));
  EXPECT_EQ(MustParse("-Inf"), Number::Double(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(MustParse("infinity"), Number::Double(std::numeric_limits<double>::infinity()));
}

TEST(NumberTest, ParseKeepsInexactNumbersAsCanonicalDecimals) {
  Number big = MustParse("123456789012345678901234567890.5");
  ASSERT_TRUE(big.is_decimal());
  EXPECT_EQ(big.decimal_value(), "123456789012345678901234567890.5");

  // 0.1 has no exact double: turning it into one would change the value Terraform holds.
  EXPECT_EQ(MustParse("0.1").decimal_value(), "0.1");
  EXPECT_FALSE(MustParse("0.1") == Number::Double(0.1));
  EXPECT_EQ(MustParse("-9223372036854775809").decimal_value(), "-9223372036854775809");
  EXPECT_EQ(MustParse("1.230e-3").decimal_value(), "0.00123");
  EXPECT_EQ(MustParse("1e300").decimal_value(), "1" + std::string(300, '0'));
  EXPECT_EQ(MustParse("-012.3400").decimal_value(), "-12.34");
}

TEST(NumberTest, ParseRejectsMalformedText) {
  for (const char* text :
       {"", "abc", "1.2.3", "1e", "1e+", ".", "-", "--1", " 1", "1 ", "nan", "0x10", "1,5", "١"}) {
    EXPECT_FALSE(Number::Parse(text).ok()) << '"' << text << '"';
  }
}

TEST(NumberTest, ParseRejectsAbsurdMagnitudes) {
  EXPECT_FALSE(Number::Parse("1e99999").ok());
  EXPECT_FALSE(Number::Parse("1e-99999").ok());
  EXPECT_FALSE(Number::Parse("1e999999999999999999999").ok());
}

TEST(NumberTest, ToStringIsExact) {
  EXPECT_EQ(Number::Int(-42).ToString(), "-42");
  EXPECT_EQ(Number::Uint(kUint64Max).ToString(), "18446744073709551615");
  EXPECT_EQ(Number::Double(2.5).ToString(), "2.5");
  EXPECT_EQ(Number::Double(0.1).ToString(),
            "0.1000000000000000055511151231257827021181583404541015625");
  EXPECT_EQ(Number::Double(0x1p64).ToString(), "18446744073709551616");
  EXPECT_EQ(Number::Double(-std::numeric_limits<double>::infinity()).ToString(), "-Inf");
}

TEST(NumberTest, ParseOfToStringRoundTrips) {
  for (const Number& n :
       {Number::Int(kInt64Min), Number::Uint(kUint64Max), Number::Double(0.1),
        Number::Double(-1e-300), Number::Double(std::numeric_limits<double>::denorm_min()),
        Number::Double(std::numeric_limits<double>::max()), MustParse("0.3"),
        MustParse("-123456789012345678901234567890.5")}) {
    EXPECT_EQ(MustParse(n.ToString()), n) << n.ToString();
  }
}

TEST(NumberTest, ToDouble) {
  EXPECT_EQ(Number::Int(-3).ToDouble(), -3.0);
  EXPECT_EQ(Number::Uint(kUint64Max).ToDouble(), 0x1p64);
  EXPECT_EQ(MustParse("0.1").ToDouble(), 0.1);
  EXPECT_EQ(MustParse("1e400").ToDouble(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(MustParse("-1e400").ToDouble(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(MustParse("1e-400").ToDouble(), 0.0);
  EXPECT_TRUE(std::signbit(MustParse("-1e-400").ToDouble()));
}

TEST(NumberTest, ToInt64OnlyForWholeNumbersInRange) {
  EXPECT_EQ(Number::Int(kInt64Min).ToInt64(), kInt64Min);
  EXPECT_EQ(Number::Double(3.0).ToInt64(), 3);
  EXPECT_EQ(Number::Double(3.5).ToInt64(), std::nullopt);
  EXPECT_EQ(Number::Uint(kUint64Max).ToInt64(), std::nullopt);
  EXPECT_EQ(MustParse("1e30").ToInt64(), std::nullopt);
}

TEST(NumberTest, EqualityIsNumeric) {
  EXPECT_EQ(Number::Uint(5), Number::Int(5));
  EXPECT_EQ(Number::Double(5.0), MustParse("5"));
  EXPECT_EQ(MustParse("0.1"), MustParse("0.10"));
  EXPECT_FALSE(Number::Int(5) == Number::Int(6));
  EXPECT_FALSE(MustParse("0.1") == MustParse("0.2"));
}

}  // namespace
}  // namespace cty
