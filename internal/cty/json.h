// The JSON form of cty values, as go-cty's ctyjson package reads it: how Terraform stores resource
// state (UpgradeResourceState's RawState.json is a JSON object of the resource's attributes).
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "internal/cty/type.h"
#include "internal/cty/value.h"

namespace cty {

// Options for decoding resource state.
struct JsonDecodeOptions {
  // Skip object attributes that the type does not declare, at every level, instead of failing:
  // state written by an older schema may carry attributes since removed, and Terraform's SDKs drop
  // them when upgrading state.
  bool ignore_unknown_attributes = false;
};

// Decodes `json` as a value of `type`, as go-cty's ctyjson.Unmarshal(json, type) does:
//  - null is a null of the position's type, at any position;
//  - a number keeps its exact decimal value (12345678901234567890123, 0.1); a string holding a
//    number is a number too;
//  - a string is a string; a number's text and true/false are also taken for one;
//  - a bool is a bool; so are the strings "true", "false", "1" and "0";
//  - lists, sets (duplicates dropped) and tuples (exactly as many elements as the type) are
//    arrays; maps and objects are JSON objects;
//  - object attributes missing from the JSON are null; ones the type does not declare are an
//    error unless options.ignore_unknown_attributes;
//  - a value at a Dynamic position is {"value": <value>, "type": <cty type JSON>}.
// Stricter than go-cty: invalid UTF-8, duplicate keys in a JSON object, data after the value and
// nesting deeper than 512 levels are errors. Numbers beyond a double's range (1e400) are refused
// by the JSON parser, though a string holding one is accepted. Unknown values cannot be
// expressed. Errors are InvalidArgument with a path where one applies ("at .a[2]: ...").
absl::StatusOr<Value> DecodeJson(std::string_view json, const Type& type);
absl::StatusOr<Value> DecodeJson(std::string_view json, const Type& type,
                                 const JsonDecodeOptions& options);

}  // namespace cty
