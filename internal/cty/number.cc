#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "internal/base/status_macros.h"
#include "internal/cty/value.h"  // Number

namespace cty {
namespace {

// Longest positional rendering Parse accepts. Far beyond anything Terraform sends (the exact
// expansion of the smallest subnormal double is ~1100 characters) while stopping "1e999999999"
// from turning into a gigabyte of zeros.
constexpr int64_t kMaxDecimalLength = 10000;

// (-1)^negative * digits * 10^exponent, with `digits` free of leading and trailing zeros; zero has
// empty digits. Every number has exactly one such form, so comparing forms compares values.
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;

  friend bool operator==(const Decimal& a, const Decimal& b) {
    return a.negative == b.negative && a.digits == b.digits && a.exponent == b.exponent;
  }
};

void Normalise(Decimal& d) {
  size_t first = d.digits.find_first_not_of('0');
  if (first == std::string::npos) {
    d = Decimal();
    return;
  }
  d.digits.erase(0, first);
  size_t last = d.digits.find_last_not_of('0');
  d.exponent += static_cast<int64_t>(d.digits.size() - last - 1);
  d.digits.erase(last + 1);
}

// Length of Render(d), computed without rendering.
int64_t RenderedLength(const Decimal& d) {
  const int64_t n = static_cast<int64_t>(d.digits.size());
  int64_t length = d.exponent >= 0 ? n + d.exponent : std::max(n, -d.exponent) + 2;
  return length + (d.negative ? 1 : 0);
}

// Plain positional notation, the form go-cty sends (big.Float.Text('f', -1)): "-12.5", "0.001".
std::string Render(const Decimal& d) {
  if (d.digits.empty()) return "0";
  std::string out = d.negative ? "-" : "";
  const int64_t n = static_cast<int64_t>(d.digits.size());
  if (d.exponent >= 0) {
    absl::StrAppend(&out, d.digits, std::string(d.exponent, '0'));
  } else if (n + d.exponent > 0) {
    absl::StrAppend(&out, absl::string_view(d.digits).substr(0, n + d.exponent), ".",
                    absl::string_view(d.digits).substr(n + d.exponent));
  } else {
    absl::StrAppend(&out, "0.", std::string(-(n + d.exponent), '0'), d.digits);
  }
  return out;
}

// A non-negative integer in base 10^9, least significant limb first; just enough arithmetic to
// expand a double exactly.
class BigInt {
 public:
  explicit BigInt(uint64_t v) {
    do {
      limbs_.push_back(static_cast<uint32_t>(v % kBase));
      v /= kBase;
    } while (v != 0);
  }

  void MultiplyBy(uint32_t factor) {
    uint64_t carry = 0;
    for (uint32_t& limb : limbs_) {
      uint64_t product = uint64_t{limb} * factor + carry;
      limb = static_cast<uint32_t>(product % kBase);
      carry = product / kBase;
    }
    while (carry != 0) {
      limbs_.push_back(static_cast<uint32_t>(carry % kBase));
      carry /= kBase;
    }
  }

  // Multiplies by base^exponent, in chunks of base^chunk (which must fit in uint32).
  void MultiplyByPower(uint32_t base, uint32_t chunk, int64_t exponent) {
    uint32_t big = 1;
    for (uint32_t i = 0; i < chunk; ++i) big *= base;
    for (; exponent >= chunk; exponent -= chunk) MultiplyBy(big);
    for (; exponent > 0; --exponent) MultiplyBy(base);
  }

  std::string ToDigits() const {
    std::string out = absl::StrCat(limbs_.back());
    for (auto it = limbs_.rbegin() + 1; it != limbs_.rend(); ++it) {
      std::string limb = absl::StrCat(*it);
      out.append(9 - limb.size(), '0').append(limb);
    }
    return out;
  }

 private:
  static constexpr uint32_t kBase = 1000000000;
  std::vector<uint32_t> limbs_;
};

// The exact decimal value of a finite double: x = m * 2^q = m * 5^-q * 10^q for q < 0.
Decimal ExactDecimal(double x) {
  Decimal d;
  d.negative = std::signbit(x);
  x = std::fabs(x);
  if (x == 0) return Decimal();
  int e = 0;
  double fraction = std::frexp(x, &e);  // x = fraction * 2^e, fraction in [0.5, 1)
  uint64_t m = static_cast<uint64_t>(std::ldexp(fraction, 53));
  int64_t q = e - 53;
  while ((m & 1) == 0) {
    m >>= 1;
    ++q;
  }
  BigInt n(m);
  if (q >= 0) {
    n.MultiplyByPower(2, 29, q);
  } else {
    n.MultiplyByPower(5, 13, -q);
    d.exponent = q;
  }
  d.digits = n.ToDigits();
  Normalise(d);
  return d;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// `text` quoted for an error message, escaped and cut short: it may be anything off the wire.
std::string Quote(absl::string_view text) {
  constexpr size_t kMaxShown = 64;
  if (text.size() <= kMaxShown) return absl::StrCat("\"", absl::CEscape(text), "\"");
  return absl::StrCat("\"", absl::CEscape(text.substr(0, kMaxShown)), "\"...");
}

// Parses [+-]digits[.digits][(e|E)[+-]digits] into a Decimal; "Inf"/"Infinity" are handled by
// the caller.
absl::StatusOr<Decimal> ParseDecimal(absl::string_view text) {
  auto invalid = [&] {
    return absl::InvalidArgumentError(absl::StrCat("invalid number ", Quote(text)));
  };
  Decimal d;
  absl::string_view s = text;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    d.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) d.digits.push_back(s[i++]);
  size_t fraction_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      d.digits.push_back(s[i++]);
      ++fraction_digits;
    }
  }
  if (d.digits.empty()) return invalid();
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative_exponent = s[i++] == '-';
    if (i == s.size() || !IsDigit(s[i])) return invalid();
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      // Saturate: anything this large is rejected by the range check below anyway.
      if (exponent < int64_t{1} << 40) exponent = exponent * 10 + (s[i] - '0');
    }
    if (negative_exponent) exponent = -exponent;
  }
  if (i != s.size()) return invalid();
  d.exponent = exponent - static_cast<int64_t>(fraction_digits);
  Normalise(d);
  if (RenderedLength(d) > kMaxDecimalLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("number ", Quote(text), " is outside the supported range"));
  }
  return d;
}

// The integer value of `d` if it is a whole number of at most 20 digits that fits in uint64.
std::optional<uint64_t> ToUint64Magnitude(const Decimal& d) {
  if (d.exponent < 0 || static_cast<int64_t>(d.digits.size()) + d.exponent > 20) {
    return std::nullopt;
  }
  std::string text = d.digits + std::string(d.exponent, '0');
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

Number Number::Uint(uint64_t v) {
  if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Number(static_cast<int64_t>(v));
  }
  return Number(v);
}

// NaN is not a cty number: callers must not pass it (the decoder rejects it on the wire).
// Whole numbers in uint64 range above INT64_MAX become Uint, so that every value has exactly one
// representation and operator== can compare representations.
Number Number::Double(double v) {
  assert(!std::isnan(v));
  if (std::isfinite(v) && std::trunc(v) == v) {
    if (v >= -0x1p63 && v < 0x1p63) return Number(static_cast<int64_t>(v));
    if (v > 0 && v < 0x1p64) return Number(static_cast<uint64_t>(v));
  }
  return Number(v);
}

absl::StatusOr<Number> Number::Parse(std::string_view decimal) {
  const absl::string_view input(decimal.data(), decimal.size());
  absl::string_view unsigned_part = input;
  if (!unsigned_part.empty() && (unsigned_part[0] == '+' || unsigned_part[0] == '-')) {
    unsigned_part.remove_prefix(1);
  }
  if (absl::EqualsIgnoreCase(unsigned_part, "inf") ||
      absl::EqualsIgnoreCase(unsigned_part, "infinity")) {
    const double inf = std::numeric_limits<double>::infinity();
    return Number(decimal[0] == '-' ? -inf : inf);
  }
  ASSIGN_OR_RETURN(const Decimal d, ParseDecimal(input));
  if (d.digits.empty()) return Number();

  if (std::optional<uint64_t> magnitude = ToUint64Magnitude(d)) {
    if (!d.negative) return Uint(*magnitude);
    if (*magnitude == uint64_t{1} << 63) return Number(std::numeric_limits<int64_t>::min());
    if (*magnitude < uint64_t{1} << 63) return Number(-static_cast<int64_t>(*magnitude));
  }

  std::string text = Render(d);
  double x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec == std::errc() && end == text.data() + text.size() && ExactDecimal(x) == d) {
    return Double(x);
  }
  return Number(std::move(text));
}

std::optional<int64_t> Number::ToInt64() const {
  // Normalisation guarantees that every whole number in int64 range is held as an int.
  if (is_int()) return int_value();
  return std::nullopt;
}

double Number::ToDouble() const {
  if (is_int()) return static_cast<double>(int_value());
  if (is_uint()) return static_cast<double>(uint_value());
  if (is_double()) return double_value();
  const std::string& text = decimal_value();
  double x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec == std::errc::result_out_of_range) {
    // Canonical text below 1 in magnitude starts with "0." or "-0.": that underflowed.
    const bool negative = text[0] == '-';
    const bool tiny = text[negative ? 1 : 0] == '0';
    x = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    return negative ? -x : x;
  }
  return x;
}

std::string Number::ToShortString() const {
  std::string exact = ToString();
  if (exact.size() <= 20) return exact;
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6g", ToDouble());
  return buffer;
}

std::string Number::ToString() const {
  if (is_int()) return absl::StrCat(int_value());
  if (is_uint()) return absl::StrCat(uint_value());
  if (is_decimal()) return decimal_value();
  const double v = double_value();
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return Render(ExactDecimal(v));
}

bool operator==(const Number& a, const Number& b) {
  // Every constructor normalises, so equal numbers have identical representations.
  return a.repr_ == b.repr_;
}

}  // namespace cty
