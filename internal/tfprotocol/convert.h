// Conversions between the tfprotocol types and their tfplugin6 protobuf messages. Pure functions.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include "absl/status/statusor.h"
#include "internal/cty/value.h"
#include "internal/tfprotocol/diagnostics.h"
#include "internal/tfprotocol/schema.h"
#include "proto/tfplugin6.pb.h"

namespace tfprotocol {

void SchemaToProto(const Schema& schema, tfplugin6::Schema* out);

// Text that is not valid UTF-8 (e.g. quoted from an HTTP answer) is sent with each invalid run
// replaced by U+FFFD (internal/base/utf8.h): Terraform drops a whole response whose protobuf
// strings are not UTF-8.
void PathToProto(const AttributePath& path, tfplugin6::AttributePath* out);

void DiagnosticsToProto(const Diagnostics& diagnostics,
                        google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* out);

// Decodes a DynamicValue sent by Terraform as a value of `type` (msgpack; JSON is refused since
// Terraform never sends it and it cannot carry unknowns).
absl::StatusOr<cty::Value> DecodeDynamicValue(const tfplugin6::DynamicValue& in,
                                              const cty::Type& type);

// Encodes `value` (of `type`) as msgpack into `out`.
absl::Status EncodeDynamicValue(const cty::Value& value, const cty::Type& type,
                                tfplugin6::DynamicValue* out);

}  // namespace tfprotocol
