#include "internal/tfprotocol/attribute_path.h"

#include "absl/strings/str_cat.h"

namespace tfprotocol {

AttributePath AttributePath::Then(std::string attribute_name) const {
  AttributePath path = *this;
  path.steps_.push_back(AttributeName{std::move(attribute_name)});
  return path;
}

AttributePath AttributePath::Index(int64_t index) const {
  AttributePath path = *this;
  path.steps_.push_back(ElementKeyInt{index});
  return path;
}

AttributePath AttributePath::Key(std::string key) const {
  AttributePath path = *this;
  path.steps_.push_back(ElementKeyString{std::move(key)});
  return path;
}

std::string AttributePath::ToString() const {
  std::string out;
  for (const Step& step : steps_) {
    if (const auto* attr = std::get_if<AttributeName>(&step)) {
      absl::StrAppend(&out, out.empty() ? "" : ".", attr->name);
    } else if (const auto* key = std::get_if<ElementKeyString>(&step)) {
      absl::StrAppend(&out, "[\"", key->key, "\"]");
    } else {
      absl::StrAppend(&out, "[", std::get<ElementKeyInt>(step).index, "]");
    }
  }
  return out;
}

bool operator==(const AttributePath& a, const AttributePath& b) {
  if (a.steps_.size() != b.steps_.size()) return false;
  for (size_t i = 0; i < a.steps_.size(); ++i) {
    const auto& x = a.steps_[i];
    const auto& y = b.steps_[i];
    if (x.index() != y.index()) return false;
    if (const auto* attr = std::get_if<AttributePath::AttributeName>(&x)) {
      if (attr->name != std::get<AttributePath::AttributeName>(y).name) return false;
    } else if (const auto* key = std::get_if<AttributePath::ElementKeyString>(&x)) {
      if (key->key != std::get<AttributePath::ElementKeyString>(y).key) return false;
    } else if (std::get<AttributePath::ElementKeyInt>(x).index !=
               std::get<AttributePath::ElementKeyInt>(y).index) {
      return false;
    }
  }
  return true;
}

}  // namespace tfprotocol
