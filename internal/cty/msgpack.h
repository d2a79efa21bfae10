// The msgpack wire form of cty values (DynamicValue.msgpack), as go-cty encodes and decodes it:
// see hashicorp/terraform docs/plugin-protocol/object-wire-format.md.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "internal/cty/type.h"
#include "internal/cty/value.h"

namespace cty {

// Decodes `bytes` as a value of `type`. Accepts what Terraform sends: nil for null; any ext with a
// payload of at most one byte as an unknown; ext 12 (refined unknown, a map with int keys) with its
// refinements parsed and unknown keys ignored; any other ext type as unknown; numbers in any
// int/uint width, float32/float64 or as a decimal string; dynamic-typed positions as
// [type JSON (bin or str), value]. Objects must carry exactly their attributes. Errors are
// InvalidArgument with a path ("at .a[2]: ...").
absl::StatusOr<Value> DecodeMsgpack(std::string_view bytes, const Type& type);

// Encodes `value` as a value of `type` the way go-cty does: unknowns as d4 00 00 (refinements are
// not sent), integers in the smallest form, exact doubles as float64, other numbers as decimal
// strings, and values at Dynamic-typed positions as [type JSON as bin, value]. Fails if the value
// does not conform to `type`. Strings that are not valid UTF-8 (text from outside the provider)
// are sent with each invalid run replaced by U+FFFD (internal/base/utf8.h): Terraform refuses
// the whole response otherwise.
//
// NumberForm::kDecimalText sends every finite number as its exact decimal text instead, which
// go-cty also reads (with cty.ParseNumberVal, as it reads numbers from JSON state): see
// internal/tfprotocol/convert.cc for why Terraform's side needs that.
enum class NumberForm { kGoCty, kDecimalText };
absl::StatusOr<std::string> EncodeMsgpack(const Value& value, const Type& type,
                                          NumberForm numbers = NumberForm::kGoCty);

}  // namespace cty
