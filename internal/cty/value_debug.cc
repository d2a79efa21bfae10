// Value::DebugString: an HCL-like rendering for logs and test failure messages.

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "internal/cty/value.h"

namespace cty {
namespace {

std::string Quote(absl::string_view s) { return absl::StrCat("\"", absl::CEscape(s), "\""); }

// "(unknown)" or e.g. "(unknown, not null, prefix \"pre-\")".
std::string DescribeUnknown(const Refinements& r) {
  std::vector<std::string> parts = {"unknown"};
  if (r.is_null.has_value()) parts.push_back(*r.is_null ? "null" : "not null");
  if (r.string_prefix.has_value())
    parts.push_back(absl::StrCat("prefix ", Quote(*r.string_prefix)));
  auto bound = [&parts](const char* relation, const Refinements::Bound& b) {
    parts.push_back(absl::StrCat(relation, b.inclusive ? "= " : " ", b.value.ToString()));
  };
  if (r.number_lower.has_value()) bound(">", *r.number_lower);
  if (r.number_upper.has_value()) bound("<", *r.number_upper);
  if (r.collection_length_lower.has_value()) {
    parts.push_back(absl::StrCat("length >= ", *r.collection_length_lower));
  }
  if (r.collection_length_upper.has_value()) {
    parts.push_back(absl::StrCat("length <= ", *r.collection_length_upper));
  }
  return absl::StrCat("(", absl::StrJoin(parts, ", "), ")");
}

}  // namespace

std::string Value::DebugString() const {
  if (is_null()) return "null";
  if (!is_known()) return DescribeUnknown(refinements());
  auto join_elements = [this](const char* open, const char* close) {
    return absl::StrCat(
        open,
        absl::StrJoin(elements(), ", ",
                      [](std::string* out, const Value& e) { out->append(e.DebugString()); }),
        close);
  };
  auto join_attributes = [this](bool quote_keys) {
    return absl::StrCat("{",
                        absl::StrJoin(attributes(), ", ",
                                      [quote_keys](std::string* out, const auto& entry) {
                                        absl::StrAppend(
                                            out, quote_keys ? Quote(entry.first) : entry.first,
                                            " = ", entry.second.DebugString());
                                      }),
                        "}");
  };
  switch (type_.kind()) {
    case Kind::kString:
      return Quote(as_string());
    case Kind::kNumber:
      return as_number().ToString();
    case Kind::kBool:
      return as_bool() ? "true" : "false";
    case Kind::kList:
    case Kind::kTuple:
      return join_elements("[", "]");
    case Kind::kSet:
      return join_elements("toset([", "])");
    case Kind::kMap:
      return join_attributes(/*quote_keys=*/true);
    case Kind::kObject:
      return join_attributes(/*quote_keys=*/false);
    case Kind::kDynamic:
      break;
  }
  return "(invalid)";
}

}  // namespace cty
