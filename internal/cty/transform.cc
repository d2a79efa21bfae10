#include "internal/cty/transform.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "internal/base/status_macros.h"

namespace cty {
namespace {

absl::StatusOr<Value> Walk(const Value& value, const Type& declared, Path& path,
                           const Transformer& transformer);

// Transforms one child at `step` of a position typed `declared`.
absl::StatusOr<Value> Child(const Value& child, const Type& declared, PathStep step, Path& path,
                            const Transformer& transformer) {
  path.push_back(std::move(step));
  absl::StatusOr<Value> result = Walk(child, declared, path, transformer);
  path.pop_back();
  return result;
}

absl::StatusOr<Value> RebuildChildren(const Value& value, Path& path,
                                      const Transformer& transformer) {
  const Type& type = value.type();
  switch (type.kind()) {
    case Kind::kObject: {
      Value::Attributes attributes;
      for (const auto& [name, child] : value.attributes()) {
        ASSIGN_OR_RETURN(attributes[name], Child(child, type.attributes().at(name),
                                                 PathStep::Attribute(name), path, transformer));
      }
      return Value::ObjectOf(type, std::move(attributes));
    }
    case Kind::kMap: {
      Value::Attributes elements;
      for (const auto& [key, child] : value.attributes()) {
        ASSIGN_OR_RETURN(elements[key],
                         Child(child, type.element(), PathStep::Key(key), path, transformer));
      }
      return Value::Map(type.element(), std::move(elements));
    }
    case Kind::kList:
    case Kind::kSet:
    case Kind::kTuple: {
      Value::Elements elements;
      const Value::Elements& children = value.elements();
      for (size_t i = 0; i < children.size(); ++i) {
        const Type& element_type =
            type.kind() == Kind::kTuple ? type.tuple_elements()[i] : type.element();
        ASSIGN_OR_RETURN(Value element,
                         Child(children[i], element_type, PathStep::Index(static_cast<int64_t>(i)),
                               path, transformer));
        elements.push_back(std::move(element));
      }
      if (type.kind() == Kind::kList) return Value::List(type.element(), std::move(elements));
      if (type.kind() == Kind::kSet) return Value::Set(type.element(), std::move(elements));
      return Value::Tuple(std::move(elements));
    }
    default:
      return value;
  }
}

absl::StatusOr<Value> Walk(const Value& value, const Type& declared, Path& path,
                           const Transformer& transformer) {
  Value rebuilt = value;
  if (value.is_known() && !value.is_null()) {
    ASSIGN_OR_RETURN(rebuilt, RebuildChildren(value, path, transformer));
  }
  Value result = transformer(path, rebuilt);
  const bool fits =
      declared.kind() == Kind::kDynamic || result.type() == declared ||
      (result.type().kind() == Kind::kDynamic && (result.is_null() || !result.is_known()));
  if (!fits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "at ", path.empty() ? "the root" : PathString(path), ": the transform gave a ",
        result.type().FriendlyName(), " where a ", declared.FriendlyName(), " belongs"));
  }
  return result;
}

}  // namespace

absl::StatusOr<Value> Transform(const Value& value, const Transformer& transformer) {
  Path path;
  return Walk(value, value.type(), path, transformer);
}

std::string PathString(const Path& path) {
  std::string out;
  for (const PathStep& step : path) {
    switch (step.kind) {
      case PathStep::Kind::kAttribute:
        absl::StrAppend(&out, out.empty() ? "" : ".", step.name);
        break;
      case PathStep::Kind::kKey:
        absl::StrAppend(&out, "[\"", absl::CEscape(step.name), "\"]");
        break;
      case PathStep::Kind::kIndex:
        absl::StrAppend(&out, "[", step.index, "]");
        break;
    }
  }
  return out;
}

}  // namespace cty
