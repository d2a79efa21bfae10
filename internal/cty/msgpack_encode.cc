// EncodeMsgpack: cty values -> msgpack bytes in the form go-cty writes.

#include <cmath>
#include <cstdint>
#include <limits>
#include <msgpack.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "internal/base/status_macros.h"
#include "internal/base/utf8.h"
#include "internal/cty/msgpack.h"
#include "internal/cty/msgpack_path.h"

namespace cty {
namespace {

using msgpack_internal::Path;

using Packer = msgpack::packer<msgpack::sbuffer>;

// Whether a value of type `actual` can be written at a position of type `wanted`; Dynamic on either
// side matches anything, since such positions are checked value by value.
bool Conforms(const Type& actual, const Type& wanted) {
  if (actual.kind() == Kind::kDynamic || wanted.kind() == Kind::kDynamic) return true;
  if (actual.kind() != wanted.kind()) return false;
  switch (wanted.kind()) {
    case Kind::kList:
    case Kind::kSet:
    case Kind::kMap:
      return Conforms(actual.element(), wanted.element());
    case Kind::kObject: {
      const Type::AttributeTypes& a = actual.attributes();
      const Type::AttributeTypes& w = wanted.attributes();
      if (a.size() != w.size()) return false;
      for (auto ia = a.begin(), iw = w.begin(); ia != a.end(); ++ia, ++iw) {
        if (ia->first != iw->first || !Conforms(ia->second, iw->second)) return false;
      }
      return true;
    }
    case Kind::kTuple: {
      const std::vector<Type>& a = actual.tuple_elements();
      const std::vector<Type>& w = wanted.tuple_elements();
      if (a.size() != w.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!Conforms(a[i], w[i])) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

absl::Status Mismatch(const Path& path, const Type& wanted, const Value& value) {
  std::string wanted_name = wanted.FriendlyName();
  std::string actual_name = value.type().FriendlyName();
  if (wanted_name == actual_name) {
    // e.g. two object types: only the full forms tell them apart.
    wanted_name = wanted.ToJson();
    actual_name = value.type().ToJson();
  }
  return path.Error(absl::StrCat("expected ", wanted_name, ", got ", actual_name));
}

// Every string Terraform receives is decoded as UTF-8: text that is not (a value built from an
// HTTP answer) is repaired here, the one place all of them pass (internal/base/utf8.h).
absl::Status PackString(std::string_view text, const Path& path, Packer& packer) {
  std::string repaired;
  std::string_view s = text;
  if (!base::IsValidUtf8(text)) {
    repaired = base::ToValidUtf8(text);
    s = repaired;
  }
  if (s.size() > std::numeric_limits<uint32_t>::max()) {
    return path.Error("string too long for msgpack");
  }
  packer.pack_str(static_cast<uint32_t>(s.size()));
  packer.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
  return absl::OkStatus();
}

absl::Status PackNumber(const Number& n, NumberForm form, const Path& path, Packer& packer) {
  if (form == NumberForm::kDecimalText && !(n.is_double() && std::isinf(n.double_value()))) {
    return PackString(n.ToString(), path, packer);  // No decimal text names an infinity.
  }
  if (n.is_int()) {
    packer.pack_int64(n.int_value());  // msgpack-cxx picks the smallest encoding.
  } else if (n.is_uint()) {
    packer.pack_uint64(n.uint_value());
  } else if (n.is_double()) {
    packer.pack_double(n.double_value());
  } else {
    // Not exactly representable as a double: go-cty sends (and reads) the decimal text.
    return PackString(n.decimal_value(), path, packer);
  }
  return absl::OkStatus();
}

absl::Status Encode(const Value& value, const Type& type, NumberForm form, const Path& path,
                    Packer& packer);

absl::Status EncodeObject(const Value& value, const Type& type, NumberForm form, const Path& path,
                          Packer& packer) {
  const Value::Attributes& attributes = value.attributes();
  for (const auto& [name, unused] : attributes) {
    if (type.attributes().count(name) == 0) {
      return path.Error(absl::StrCat("unsupported attribute \"", absl::CEscape(name), "\""));
    }
  }
  for (const auto& [name, unused] : type.attributes()) {
    if (attributes.count(name) == 0) {
      return path.Error(absl::StrCat("attribute \"", name, "\" is missing"));
    }
  }
  packer.pack_map(static_cast<uint32_t>(attributes.size()));
  for (const auto& [name, attribute_type] : type.attributes()) {
    RETURN_IF_ERROR(PackString(name, path, packer));
    RETURN_IF_ERROR(
        Encode(attributes.find(name)->second, attribute_type, form, path.Attribute(name), packer));
  }
  return absl::OkStatus();
}

absl::Status Encode(const Value& value, const Type& type, NumberForm form, const Path& path,
                    Packer& packer) {
  if (value.is_null()) {
    if (!Conforms(value.type(), type)) return Mismatch(path, type, value);
    packer.pack_nil();
    return absl::OkStatus();
  }
  if (!value.is_known()) {
    if (!Conforms(value.type(), type)) return Mismatch(path, type, value);
    // Refinements are an optimisation Terraform does not require from providers: not sent.
    packer.pack_ext(1, 0);
    packer.pack_ext_body("\0", 1);
    return absl::OkStatus();
  }
  if (type.kind() == Kind::kDynamic) {
    const std::string json = value.type().ToJson();
    packer.pack_array(2);
    packer.pack_bin(static_cast<uint32_t>(json.size()));
    packer.pack_bin_body(json.data(), static_cast<uint32_t>(json.size()));
    return Encode(value, value.type(), form, path, packer);
  }
  if (type.kind() == Kind::kObject && value.type().kind() == Kind::kObject) {
    return EncodeObject(value, type, form, path, packer);  // Names what is missing or extra.
  }
  // Elements are checked one by one below; comparing the types up front also catches empty
  // collections of the wrong element type.
  if (!Conforms(value.type(), type)) return Mismatch(path, type, value);
  switch (type.kind()) {
    case Kind::kString:
      return PackString(value.as_string(), path, packer);
    case Kind::kNumber:
      return PackNumber(value.as_number(), form, path, packer);
    case Kind::kBool:
      value.as_bool() ? packer.pack_true() : packer.pack_false();
      return absl::OkStatus();
    case Kind::kSet: {
      // Distinct strings that are not valid UTF-8 can become the same text once repaired, and so
      // two elements the same value: sent once, as a set holds it.
      std::vector<std::string> encoded;
      std::set<std::string_view> seen;
      encoded.reserve(value.elements().size());
      for (size_t i = 0; i < value.elements().size(); ++i) {
        msgpack::sbuffer element;
        Packer element_packer(element);
        RETURN_IF_ERROR(
            Encode(value.elements()[i], type.element(), form, path.Index(i), element_packer));
        encoded.emplace_back(element.data(), element.size());
      }
      std::vector<const std::string*> unique;
      for (const std::string& e : encoded) {
        if (seen.insert(e).second) unique.push_back(&e);
      }
      packer.pack_array(static_cast<uint32_t>(unique.size()));
      // pack_bin_body appends bytes as they are (no header): each element already encoded.
      for (const std::string* e : unique) {
        packer.pack_bin_body(e->data(), static_cast<uint32_t>(e->size()));
      }
      return absl::OkStatus();
    }
    case Kind::kList:
    case Kind::kTuple: {
      const Value::Elements& elements = value.elements();
      packer.pack_array(static_cast<uint32_t>(elements.size()));
      for (size_t i = 0; i < elements.size(); ++i) {
        const Type& element_type =
            type.kind() == Kind::kTuple ? type.tuple_elements()[i] : type.element();
        RETURN_IF_ERROR(Encode(elements[i], element_type, form, path.Index(i), packer));
      }
      return absl::OkStatus();
    }
    case Kind::kMap: {
      std::set<std::string> keys;
      for (const auto& [key, unused] : value.attributes()) {
        if (base::IsValidUtf8(key)) continue;
        std::string repaired = base::ToValidUtf8(key);
        if (value.attributes().count(repaired) != 0 || !keys.insert(std::move(repaired)).second) {
          return path.Key(key).Error(
              "map key is not valid UTF-8, and replacing its invalid bytes makes it another key");
        }
      }
      packer.pack_map(static_cast<uint32_t>(value.attributes().size()));
      for (const auto& [key, element] : value.attributes()) {
        RETURN_IF_ERROR(PackString(key, path, packer));
        RETURN_IF_ERROR(Encode(element, type.element(), form, path.Key(key), packer));
      }
      return absl::OkStatus();
    }
    case Kind::kObject:  // Handled above.
    case Kind::kDynamic:
      break;
  }
  return path.Error("unsupported type");
}

}  // namespace

absl::StatusOr<std::string> EncodeMsgpack(const Value& value, const Type& type,
                                          NumberForm numbers) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  RETURN_IF_ERROR(Encode(value, type, numbers, Path(), packer));
  return std::string(buffer.data(), buffer.size());
}

}  // namespace cty
