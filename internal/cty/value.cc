#include "internal/cty/value.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace cty {

struct Value::Payload {
  std::variant<std::string, Number, bool, Elements, Attributes, Refinements> data;
};

namespace {

// A null or unknown Dynamic value placed at a typed position (e.g. a GetAttr result put into an
// object) takes that position's type, so that values decoded from the wire and values built by
// hand compare equal. Anything else must already have the position's type.
Value AtType(Value v, const Type& type) {
  if (type.kind() == Kind::kDynamic || v.type() == type) return v;
  assert(v.type().kind() == Kind::kDynamic && (v.is_null() || !v.is_known()));
  if (v.is_null()) return Value::Null(type);
  return Value::Unknown(type, v.refinements());
}

int CompareTypes(const Type& a, const Type& b) {
  if (a == b) return 0;
  // The JSON form is canonical (sorted attributes), so it orders types totally.
  return a.ToJson() < b.ToJson() ? -1 : 1;
}

int CompareNumbers(const Number& a, const Number& b) {
  if (a == b) return 0;
  const double da = a.ToDouble();
  const double db = b.ToDouble();
  if (da != db) return da < db ? -1 : 1;
  // Distinct numbers that round to the same double: their exact texts differ.
  return a.ToString() < b.ToString() ? -1 : 1;
}

template <typename T, typename Compare>
int CompareOptionals(const std::optional<T>& a, const std::optional<T>& b, Compare compare) {
  if (!a.has_value() || !b.has_value()) return int{a.has_value()} - int{b.has_value()};
  return compare(*a, *b);
}

template <typename T>
int CompareOrdered(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareBounds(const Refinements::Bound& a, const Refinements::Bound& b) {
  if (int c = CompareNumbers(a.value, b.value); c != 0) return c;
  return CompareOrdered(a.inclusive, b.inclusive);
}

int CompareRefinements(const Refinements& a, const Refinements& b) {
  if (int c = CompareOptionals(a.is_null, b.is_null, CompareOrdered<bool>); c != 0) return c;
  if (int c = CompareOptionals(a.string_prefix, b.string_prefix, CompareOrdered<std::string>);
      c != 0) {
    return c;
  }
  if (int c = CompareOptionals(a.number_lower, b.number_lower, CompareBounds); c != 0) return c;
  if (int c = CompareOptionals(a.number_upper, b.number_upper, CompareBounds); c != 0) return c;
  if (int c = CompareOptionals(a.collection_length_lower, b.collection_length_lower,
                               CompareOrdered<int64_t>);
      c != 0) {
    return c;
  }
  return CompareOptionals(a.collection_length_upper, b.collection_length_upper,
                          CompareOrdered<int64_t>);
}

// A total order consistent with operator==, used to give sets a canonical element order. Numbers
// sort numerically and strings bytewise, so sets list their elements in a natural order.
int CompareValues(const Value& a, const Value& b) {
  if (int c = CompareTypes(a.type(), b.type()); c != 0) return c;
  // Known values first, then unknown, then null.
  auto rank = [](const Value& v) { return v.is_null() ? 2 : (v.is_known() ? 0 : 1); };
  if (rank(a) != rank(b)) return rank(a) < rank(b) ? -1 : 1;
  if (a.is_null()) return 0;
  if (!a.is_known()) return CompareRefinements(a.refinements(), b.refinements());
  switch (a.type().kind()) {
    case Kind::kString:
      return CompareOrdered(a.as_string(), b.as_string());
    case Kind::kNumber:
      return CompareNumbers(a.as_number(), b.as_number());
    case Kind::kBool:
      return CompareOrdered(a.as_bool(), b.as_bool());
    case Kind::kList:
    case Kind::kSet:
    case Kind::kTuple: {
      const Value::Elements& ea = a.elements();
      const Value::Elements& eb = b.elements();
      for (size_t i = 0; i < ea.size() && i < eb.size(); ++i) {
        if (int c = CompareValues(ea[i], eb[i]); c != 0) return c;
      }
      return CompareOrdered(ea.size(), eb.size());
    }
    case Kind::kMap:
    case Kind::kObject: {
      auto ia = a.attributes().begin();
      auto ib = b.attributes().begin();
      for (; ia != a.attributes().end() && ib != b.attributes().end(); ++ia, ++ib) {
        if (int c = CompareOrdered(ia->first, ib->first); c != 0) return c;
        if (int c = CompareValues(ia->second, ib->second); c != 0) return c;
      }
      return CompareOrdered(a.attributes().size(), b.attributes().size());
    }
    case Kind::kDynamic:
      break;
  }
  assert(false && "a known value cannot have the dynamic type");
  return 0;
}

}  // namespace

bool Refinements::empty() const {
  return !is_null.has_value() && !string_prefix.has_value() && !number_lower.has_value() &&
         !number_upper.has_value() && !collection_length_lower.has_value() &&
         !collection_length_upper.has_value();
}

bool operator==(const Refinements& a, const Refinements& b) {
  return CompareRefinements(a, b) == 0;
}

Value::Value() : Value(Type::Dynamic(), State::kNull, nullptr) {}

Value::Value(Type type, State state, std::shared_ptr<const Payload> payload)
    : type_(std::move(type)), state_(state), payload_(std::move(payload)) {}

Value Value::Null(Type type) { return Value(std::move(type), State::kNull, nullptr); }

Value Value::Unknown(Type type, Refinements refinements) {
  std::shared_ptr<const Payload> payload;
  if (!refinements.empty()) payload = std::make_shared<Payload>(Payload{std::move(refinements)});
  return Value(std::move(type), State::kUnknown, std::move(payload));
}

Value Value::String(std::string s) {
  return Value(Type::String(), State::kKnown, std::make_shared<Payload>(Payload{std::move(s)}));
}

Value Value::Num(Number n) {
  return Value(Type::Number(), State::kKnown, std::make_shared<Payload>(Payload{std::move(n)}));
}

Value Value::Bool(bool b) {
  return Value(Type::Bool(), State::kKnown, std::make_shared<Payload>(Payload{b}));
}

Value Value::List(Type element_type, Elements elements) {
  for (Value& e : elements) e = AtType(std::move(e), element_type);
  return Value(Type::List(std::move(element_type)), State::kKnown,
               std::make_shared<Payload>(Payload{std::move(elements)}));
}

// Elements are kept sorted by CompareValues: equal sets then hold identical element vectors,
// whatever order they were built in, and the wire form is deterministic.
Value Value::Set(Type element_type, Elements elements) {
  for (Value& e : elements) e = AtType(std::move(e), element_type);
  std::sort(elements.begin(), elements.end(),
            [](const Value& a, const Value& b) { return CompareValues(a, b) < 0; });
  // Only wholly known elements can be found equal: go-cty keeps every element holding an unknown
  // apart, since each may turn out to be anything.
  elements.erase(std::unique(elements.begin(), elements.end(),
                             [](const Value& a, const Value& b) {
                               return a.is_wholly_known() && b.is_wholly_known() && a == b;
                             }),
                 elements.end());
  return Value(Type::Set(std::move(element_type)), State::kKnown,
               std::make_shared<Payload>(Payload{std::move(elements)}));
}

Value Value::Map(Type element_type, Attributes elements) {
  for (auto& [key, e] : elements) e = AtType(std::move(e), element_type);
  return Value(Type::Map(std::move(element_type)), State::kKnown,
               std::make_shared<Payload>(Payload{std::move(elements)}));
}

Value Value::Object(Attributes attributes) {
  Type::AttributeTypes types;
  for (const auto& [name, v] : attributes) types.emplace(name, v.type());
  return Value(Type::Object(std::move(types)), State::kKnown,
               std::make_shared<Payload>(Payload{std::move(attributes)}));
}

// Attributes the type does not declare are a programming error: asserted in debug builds and
// dropped in release builds, so the value always has exactly the type's attributes.
Value Value::ObjectOf(const Type& type, Attributes attributes) {
  assert(type.kind() == Kind::kObject);
  Attributes complete;
  for (const auto& [name, attribute_type] : type.attributes()) {
    auto it = attributes.find(name);
    complete.emplace(name, it == attributes.end() ? Null(attribute_type)
                                                  : AtType(std::move(it->second), attribute_type));
    if (it != attributes.end()) attributes.erase(it);
  }
  assert(attributes.empty() && "attributes not declared by the object type");
  return Value(type, State::kKnown, std::make_shared<Payload>(Payload{std::move(complete)}));
}

Value Value::Tuple(Elements elements) {
  std::vector<Type> types;
  types.reserve(elements.size());
  for (const Value& e : elements) types.push_back(e.type());
  return Value(Type::Tuple(std::move(types)), State::kKnown,
               std::make_shared<Payload>(Payload{std::move(elements)}));
}

bool Value::is_wholly_known() const {
  if (!is_known()) return false;
  if (is_null()) return true;
  if (const auto* elements = std::get_if<Elements>(&payload_->data)) {
    return std::all_of(elements->begin(), elements->end(),
                       [](const Value& e) { return e.is_wholly_known(); });
  }
  if (const auto* attributes = std::get_if<Attributes>(&payload_->data)) {
    return std::all_of(attributes->begin(), attributes->end(),
                       [](const auto& entry) { return entry.second.is_wholly_known(); });
  }
  return true;
}

const Refinements& Value::refinements() const {
  static const Refinements* const kNone = new Refinements();
  if (state_ != State::kUnknown || payload_ == nullptr) return *kNone;
  return std::get<Refinements>(payload_->data);
}

const std::string& Value::as_string() const {
  assert(state_ == State::kKnown && type_.kind() == Kind::kString);
  return std::get<std::string>(payload_->data);
}

const Number& Value::as_number() const {
  assert(state_ == State::kKnown && type_.kind() == Kind::kNumber);
  return std::get<Number>(payload_->data);
}

bool Value::as_bool() const {
  assert(state_ == State::kKnown && type_.kind() == Kind::kBool);
  return std::get<bool>(payload_->data);
}

const Value::Elements& Value::elements() const {
  assert(state_ == State::kKnown && (type_.kind() == Kind::kList || type_.kind() == Kind::kSet ||
                                     type_.kind() == Kind::kTuple));
  return std::get<Elements>(payload_->data);
}

const Value::Attributes& Value::attributes() const {
  assert(state_ == State::kKnown && (type_.kind() == Kind::kMap || type_.kind() == Kind::kObject));
  return std::get<Attributes>(payload_->data);
}

// An unknown object's attributes are unknown, not null (as in go-cty): a caller validating a
// partially known configuration must not mistake them for unset.
Value Value::GetAttr(std::string_view name) const {
  assert(type_.kind() == Kind::kObject || type_.kind() == Kind::kDynamic);
  if (type_.kind() != Kind::kObject) return Value();
  if (state_ == State::kKnown) {
    auto it = attributes().find(name);
    return it == attributes().end() ? Value() : it->second;
  }
  auto it = type_.attributes().find(name);
  if (it == type_.attributes().end()) return Value();
  return state_ == State::kNull ? Null(it->second) : Unknown(it->second);
}

bool operator==(const Value& a, const Value& b) {
  if (a.state_ != b.state_ || a.type_ != b.type_) return false;
  if (a.payload_ == b.payload_) return true;
  if (a.state_ == Value::State::kUnknown) return a.refinements() == b.refinements();
  return a.payload_->data == b.payload_->data;
}

}  // namespace cty
