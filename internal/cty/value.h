// cty values: null and unknown are distinct states of any type; numbers keep the exact form they
// arrived in so nothing is lost on a round trip.
//
// A Value is an immutable value object; copies share structure and are cheap. Thread-safe for
// concurrent reads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "internal/cty/type.h"

namespace cty {

// A cty number without loss: an int64, a uint64 above INT64_MAX, a double, or an arbitrary-
// precision decimal string (as Terraform sends numbers that fit neither).
class Number {
 public:
  Number() : repr_(int64_t{0}) {}
  static Number Int(int64_t v) { return Number(v); }
  static Number Uint(uint64_t v);  // Normalised to Int when it fits.
  static Number Double(double v);  // Normalised to Int when integral and in range.
  // Parses a decimal string ("12", "-1.5", "1e300", "123456789012345678901234567890.5").
  // Normalised to Int/Uint/Double when that is exact; otherwise kept as the canonical string.
  static absl::StatusOr<Number> Parse(std::string_view decimal);

  bool is_int() const { return std::holds_alternative<int64_t>(repr_); }
  bool is_uint() const { return std::holds_alternative<uint64_t>(repr_); }
  bool is_double() const { return std::holds_alternative<double>(repr_); }
  bool is_decimal() const { return std::holds_alternative<std::string>(repr_); }

  int64_t int_value() const { return std::get<int64_t>(repr_); }
  uint64_t uint_value() const { return std::get<uint64_t>(repr_); }
  double double_value() const { return std::get<double>(repr_); }
  const std::string& decimal_value() const { return std::get<std::string>(repr_); }

  // The value as an int64 if it is a whole number in range; nullopt otherwise.
  std::optional<int64_t> ToInt64() const;
  // Nearest double (may round a decimal).
  double ToDouble() const;
  // Exact decimal text ("42", "0.5", "123456789012345678901234567890.5").
  std::string ToString() const;
  // For messages: the exact text when it has at most 20 characters, else 6 significant digits
  // ("1e+300", "1.23457e+29") so that `min_count = 1e300` does not quote 301 digits.
  std::string ToShortString() const;

  friend bool operator==(const Number& a, const Number& b);

 private:
  template <typename T>
  explicit Number(T v) : repr_(std::move(v)) {}
  std::variant<int64_t, uint64_t, double, std::string> repr_;
};

// What Terraform knows about an unknown value (msgpack ext 12). Every field is optional.
struct Refinements {
  std::optional<bool> is_null;               // key 1: false = definitely not null
  std::optional<std::string> string_prefix;  // key 2
  struct Bound {
    Number value;
    bool inclusive = false;
  };
  std::optional<Bound> number_lower;               // key 3
  std::optional<Bound> number_upper;               // key 4
  std::optional<int64_t> collection_length_lower;  // key 5
  std::optional<int64_t> collection_length_upper;  // key 6

  bool empty() const;
  friend bool operator==(const Refinements& a, const Refinements& b);
};

class Value {
 public:
  using Elements = std::vector<Value>;
  using Attributes = std::map<std::string, Value, std::less<>>;

  // A null Dynamic value.
  Value();

  static Value Null(Type type);
  static Value Unknown(Type type, Refinements refinements = {});
  static Value String(std::string s);
  static Value Num(Number n);
  static Value Int(int64_t n) { return Num(Number::Int(n)); }
  static Value Bool(bool b);
  // Collections carry their element type so that empty collections are typed. Each element must
  // be of `element_type` (or null/unknown of it); with a Dynamic element type any element goes.
  static Value List(Type element_type, Elements elements);
  // Duplicates among wholly known elements are removed; elements holding an unknown are all kept,
  // as go-cty keeps them (two unknowns are not the same value).
  static Value Set(Type element_type, Elements elements);
  static Value Map(Type element_type, Attributes elements);
  // An object whose type is derived from its attributes' types.
  static Value Object(Attributes attributes);
  // An object of an explicit type (attributes' values must match; missing ones become null).
  static Value ObjectOf(const Type& type, Attributes attributes);
  static Value Tuple(Elements elements);

  const Type& type() const { return type_; }
  bool is_null() const { return state_ == State::kNull; }
  bool is_known() const { return state_ != State::kUnknown; }
  // True when this value and everything nested in it is known.
  bool is_wholly_known() const;
  const Refinements& refinements() const;  // Empty unless unknown.

  // Accessors for known, non-null values. Calling one on the wrong kind is a programming error.
  const std::string& as_string() const;
  const Number& as_number() const;
  bool as_bool() const;
  const Elements& elements() const;      // list, set, tuple
  const Attributes& attributes() const;  // map elements, object attributes

  // Object attribute by name; a null Dynamic value if absent (lets callers read optional
  // attributes of null objects uniformly: a null object yields null attributes).
  Value GetAttr(std::string_view name) const;

  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

  // A debug rendering (HCL-like). Never used for sensitive values.
  std::string DebugString() const;

 private:
  enum class State { kNull, kUnknown, kKnown };
  struct Payload;
  Value(Type type, State state, std::shared_ptr<const Payload> payload);

  Type type_;
  State state_;
  std::shared_ptr<const Payload> payload_;
};

}  // namespace cty
