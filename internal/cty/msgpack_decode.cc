// DecodeMsgpack: msgpack bytes as Terraform sends them -> cty values.

#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <msgpack.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "internal/base/status_macros.h"
#include "internal/cty/msgpack.h"
#include "internal/cty/msgpack_path.h"

namespace cty {
namespace {

using msgpack_internal::Path;
using msgpack_internal::ToAbsl;

// msgpack nesting beyond this is rejected before any value is built. Real values nest a few
// levels deep; the bound keeps the recursive decoder's stack use small.
constexpr size_t kMaxDepth = 512;

// The ext type of a refined unknown, and its payload's map keys.
constexpr int8_t kRefinedUnknownExt = 12;
enum RefinementKey : uint64_t {
  kIsNull = 1,
  kStringPrefix = 2,
  kNumberLower = 3,
  kNumberUpper = 4,
  kLengthLower = 5,
  kLengthUpper = 6,
};

absl::string_view WireName(const msgpack::object& o) {
  switch (o.type) {
    case msgpack::type::NIL:
      return "nil";
    case msgpack::type::BOOLEAN:
      return "bool";
    case msgpack::type::POSITIVE_INTEGER:
    case msgpack::type::NEGATIVE_INTEGER:
      return "integer";
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return "float";
    case msgpack::type::STR:
      return "string";
    case msgpack::type::BIN:
      return "binary";
    case msgpack::type::ARRAY:
      return "array";
    case msgpack::type::MAP:
      return "map";
    case msgpack::type::EXT:
      return "extension";
  }
  return "unknown msgpack type";
}

absl::Status Mismatch(const Path& path, absl::string_view expected, const msgpack::object& o) {
  return path.Error(absl::StrCat("expected ", expected, ", found msgpack ", WireName(o)));
}

std::string_view AsView(const msgpack::object_str& s) { return std::string_view(s.ptr, s.size); }

// Strings, binaries and extensions are referenced in place: the input outlives the object tree.
bool ReferenceInPlace(msgpack::type::object_type, size_t, void*) { return true; }

// Parses exactly one msgpack object spanning all of `bytes`; never throws.
absl::StatusOr<msgpack::object_handle> Unpack(std::string_view bytes, const Path& path) {
  // No container can have more entries than there are bytes left, so these limits cost nothing
  // for valid input and stop a 5-byte header from reserving gigabytes.
  const size_t n = bytes.size();
  const msgpack::unpack_limit limit(n, n / 2, n, n, n, kMaxDepth);
  try {
    size_t offset = 0;
    msgpack::object_handle handle =
        msgpack::unpack(bytes.data(), n, offset, ReferenceInPlace, nullptr, limit);
    if (offset != n) return path.Error("unexpected data after the value");
    return handle;
  } catch (const msgpack::insufficient_bytes&) {
    return path.Error("truncated msgpack");
  } catch (const std::exception& e) {
    return path.Error(absl::StrCat("malformed msgpack (", e.what(), ")"));
  }
}

absl::StatusOr<Value> Decode(const msgpack::object& o, const Type& type, const Path& path);

absl::StatusOr<Number> DecodeNumber(const msgpack::object& o, const Path& path) {
  switch (o.type) {
    case msgpack::type::POSITIVE_INTEGER:
      return Number::Uint(o.via.u64);
    case msgpack::type::NEGATIVE_INTEGER:
      return Number::Int(o.via.i64);
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      if (std::isnan(o.via.f64)) return path.Error("NaN is not a number");
      return Number::Double(o.via.f64);
    case msgpack::type::STR: {
      absl::StatusOr<Number> n = Number::Parse(AsView(o.via.str));
      if (!n.ok()) return path.Error(n.status().message());
      return n;
    }
    default:
      return Mismatch(path, "number", o);
  }
}

absl::StatusOr<int64_t> DecodeLength(const msgpack::object& o, const Path& path) {
  if (o.type != msgpack::type::POSITIVE_INTEGER ||
      o.via.u64 > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return path.Error("a collection length bound must be a non-negative integer");
  }
  return static_cast<int64_t>(o.via.u64);
}

absl::StatusOr<Refinements::Bound> DecodeBound(const msgpack::object& o, const Path& path) {
  if (o.type != msgpack::type::ARRAY || o.via.array.size != 2 ||
      o.via.array.ptr[1].type != msgpack::type::BOOLEAN) {
    return path.Error("a number bound must be an array [number, inclusive]");
  }
  Refinements::Bound bound;
  ASSIGN_OR_RETURN(bound.value, DecodeNumber(o.via.array.ptr[0], path));
  bound.inclusive = o.via.array.ptr[1].via.boolean;
  return bound;
}

// The payload of ext 12: a map from small integer keys to what is known about the value. Keys
// this code does not know are ignored, as go-cty does, so newer refinements stay compatible.
// Errors carry no path: the caller adds it.
absl::StatusOr<Refinements> DecodeRefinements(std::string_view payload) {
  const Path root;
  ASSIGN_OR_RETURN(msgpack::object_handle handle, Unpack(payload, root));
  const msgpack::object& o = handle.get();
  if (o.type != msgpack::type::MAP) return Mismatch(root, "a map", o);
  Refinements r;
  for (const msgpack::object_kv& kv : o.via.map) {
    if (kv.key.type == msgpack::type::NEGATIVE_INTEGER) continue;  // No such keys (yet).
    if (kv.key.type != msgpack::type::POSITIVE_INTEGER) {
      return Mismatch(root, "integer keys", kv.key);
    }
    const msgpack::object& v = kv.val;
    switch (kv.key.via.u64) {
      case kIsNull:
        if (v.type != msgpack::type::BOOLEAN) return Mismatch(root, "a bool for nullness", v);
        r.is_null = v.via.boolean;
        break;
      case kStringPrefix:
        if (v.type != msgpack::type::STR) return Mismatch(root, "a string prefix", v);
        r.string_prefix = std::string(AsView(v.via.str));
        break;
      case kNumberLower: {
        ASSIGN_OR_RETURN(r.number_lower, DecodeBound(v, root));
        break;
      }
      case kNumberUpper: {
        ASSIGN_OR_RETURN(r.number_upper, DecodeBound(v, root));
        break;
      }
      case kLengthLower: {
        ASSIGN_OR_RETURN(r.collection_length_lower, DecodeLength(v, root));
        break;
      }
      case kLengthUpper: {
        ASSIGN_OR_RETURN(r.collection_length_upper, DecodeLength(v, root));
        break;
      }
      default:
        break;
    }
  }
  return r;
}

// Any ext is an unknown; only ext 12 with a payload carries refinements worth parsing.
absl::StatusOr<Value> DecodeUnknown(const msgpack::object_ext& ext, const Type& type,
                                    const Path& path) {
  if (ext.type() != kRefinedUnknownExt || ext.size <= 1) return Value::Unknown(type);
  absl::StatusOr<Refinements> refinements =
      DecodeRefinements(std::string_view(ext.data(), ext.size));
  if (!refinements.ok()) {
    return path.Error(
        absl::StrCat("invalid refinements of an unknown value: ", refinements.status().message()));
  }
  return Value::Unknown(type, *std::move(refinements));
}

// A known value at a Dynamic position: [type JSON, value].
absl::StatusOr<Value> DecodeDynamic(const msgpack::object& o, const Path& path) {
  if (o.type != msgpack::type::ARRAY || o.via.array.size != 2) {
    return Mismatch(path, "a dynamic value [type, value]", o);
  }
  const msgpack::object& tag = o.via.array.ptr[0];
  std::string_view json;
  if (tag.type == msgpack::type::BIN) {
    json = std::string_view(tag.via.bin.ptr, tag.via.bin.size);
  } else if (tag.type == msgpack::type::STR) {
    json = AsView(tag.via.str);
  } else {
    return Mismatch(path, "the type JSON of a dynamic value", tag);
  }
  absl::StatusOr<Type> type = Type::FromJson(json);
  if (!type.ok()) return path.Error(type.status().message());
  return Decode(o.via.array.ptr[1], *type, path);
}

absl::StatusOr<Value::Elements> DecodeElements(const msgpack::object_array& array,
                                               const Type& element_type, const Path& path) {
  Value::Elements elements;
  elements.reserve(array.size);
  for (uint32_t i = 0; i < array.size; ++i) {
    ASSIGN_OR_RETURN(Value element, Decode(array.ptr[i], element_type, path.Index(i)));
    elements.push_back(std::move(element));
  }
  return elements;
}

absl::StatusOr<Value> DecodeMap(const msgpack::object& o, const Type& type, const Path& path) {
  if (o.type != msgpack::type::MAP) return Mismatch(path, type.FriendlyName(), o);
  Value::Attributes elements;
  for (const msgpack::object_kv& kv : o.via.map) {
    if (kv.key.type != msgpack::type::STR) return Mismatch(path, "string map keys", kv.key);
    std::string_view key = AsView(kv.key.via.str);
    ASSIGN_OR_RETURN(Value element, Decode(kv.val, type.element(), path.Key(key)));
    if (!elements.emplace(key, std::move(element)).second) {
      return path.Error(absl::StrCat("duplicate map key \"", absl::CEscape(ToAbsl(key)), "\""));
    }
  }
  return Value::Map(type.element(), std::move(elements));
}

absl::StatusOr<Value> DecodeObject(const msgpack::object& o, const Type& type, const Path& path) {
  if (o.type != msgpack::type::MAP) return Mismatch(path, "object", o);
  const Type::AttributeTypes& types = type.attributes();
  Value::Attributes attributes;
  for (const msgpack::object_kv& kv : o.via.map) {
    if (kv.key.type != msgpack::type::STR) return Mismatch(path, "string attribute names", kv.key);
    std::string_view name = AsView(kv.key.via.str);
    auto it = types.find(name);
    if (it == types.end()) {
      return path.Error(
          absl::StrCat("unsupported attribute \"", absl::CEscape(ToAbsl(name)), "\""));
    }
    ASSIGN_OR_RETURN(Value attribute, Decode(kv.val, it->second, path.Attribute(name)));
    if (!attributes.emplace(name, std::move(attribute)).second) {
      return path.Error(absl::StrCat("duplicate attribute \"", absl::CEscape(ToAbsl(name)), "\""));
    }
  }
  // Every name is known and unique, so a short count means some attribute is absent.
  if (attributes.size() != types.size()) {
    for (const auto& [name, unused] : types) {
      if (attributes.count(name) == 0) {
        return path.Error(absl::StrCat("an object with ", types.size(), " attributes is required (",
                                       attributes.size(), " given): attribute \"", name,
                                       "\" is missing"));
      }
    }
  }
  return Value::ObjectOf(type, std::move(attributes));
}

absl::StatusOr<Value> Decode(const msgpack::object& o, const Type& type, const Path& path) {
  if (o.type == msgpack::type::NIL) return Value::Null(type);
  if (o.type == msgpack::type::EXT) return DecodeUnknown(o.via.ext, type, path);
  switch (type.kind()) {
    case Kind::kDynamic:
      return DecodeDynamic(o, path);
    case Kind::kString:
      if (o.type != msgpack::type::STR) return Mismatch(path, "string", o);
      return Value::String(std::string(AsView(o.via.str)));
    case Kind::kNumber: {
      ASSIGN_OR_RETURN(Number n, DecodeNumber(o, path));
      return Value::Num(std::move(n));
    }
    case Kind::kBool:
      if (o.type != msgpack::type::BOOLEAN) return Mismatch(path, "bool", o);
      return Value::Bool(o.via.boolean);
    case Kind::kList:
    case Kind::kSet: {
      if (o.type != msgpack::type::ARRAY) return Mismatch(path, type.FriendlyName(), o);
      ASSIGN_OR_RETURN(Value::Elements elements, DecodeElements(o.via.array, type.element(), path));
      return type.kind() == Kind::kList ? Value::List(type.element(), std::move(elements))
                                        : Value::Set(type.element(), std::move(elements));
    }
    case Kind::kMap:
      return DecodeMap(o, type, path);
    case Kind::kObject:
      return DecodeObject(o, type, path);
    case Kind::kTuple: {
      if (o.type != msgpack::type::ARRAY) return Mismatch(path, "tuple", o);
      const std::vector<Type>& types = type.tuple_elements();
      if (o.via.array.size != types.size()) {
        return path.Error(absl::StrCat("a tuple of ", types.size(), " elements is required (",
                                       o.via.array.size, " given)"));
      }
      Value::Elements elements;
      for (uint32_t i = 0; i < o.via.array.size; ++i) {
        ASSIGN_OR_RETURN(Value element, Decode(o.via.array.ptr[i], types[i], path.Index(i)));
        elements.push_back(std::move(element));
      }
      return Value::Tuple(std::move(elements));
    }
  }
  return path.Error("unsupported type");
}

}  // namespace

absl::StatusOr<Value> DecodeMsgpack(std::string_view bytes, const Type& type) {
  const Path root;
  ASSIGN_OR_RETURN(msgpack::object_handle handle, Unpack(bytes, root));
  return Decode(handle.get(), type, root);
}

}  // namespace cty
