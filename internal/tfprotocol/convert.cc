#include "internal/tfprotocol/convert.h"

#include "internal/base/status_macros.h"
#include "internal/base/utf8.h"
#include "internal/cty/msgpack.h"

namespace tfprotocol {
namespace {

void AttributeToProto(const Attribute& attribute, tfplugin6::Schema::Attribute* a) {
  a->set_name(attribute.name);
  // Exactly one of type and nested_type: Terraform refuses a schema with both or neither.
  if (attribute.nested != nullptr) {
    tfplugin6::Schema::Object* object = a->mutable_nested_type();
    object->set_nesting(
        static_cast<tfplugin6::Schema::Object::NestingMode>(attribute.nested->nesting));
    for (const Attribute& inner : attribute.nested->attributes) {
      AttributeToProto(inner, object->add_attributes());
    }
  } else {
    a->set_type(attribute.type.ToJson());
  }
  a->set_description(attribute.description);
  a->set_description_kind(tfplugin6::MARKDOWN);
  a->set_required(attribute.required);
  a->set_optional(attribute.optional);
  a->set_computed(attribute.computed);
  a->set_sensitive(attribute.sensitive);
  a->set_deprecated(attribute.deprecated);
  a->set_write_only(attribute.write_only);
}

void BlockToProto(const Block& block, tfplugin6::Schema::Block* out) {
  out->set_description(block.description);
  out->set_description_kind(tfplugin6::MARKDOWN);
  out->set_deprecated(block.deprecated);
  for (const Attribute& attribute : block.attributes) {
    AttributeToProto(attribute, out->add_attributes());
  }
  for (const NestedBlock& nested : block.block_types) {
    tfplugin6::Schema::NestedBlock* b = out->add_block_types();
    b->set_type_name(nested.type_name);
    b->set_nesting(static_cast<tfplugin6::Schema::NestedBlock::NestingMode>(nested.nesting));
    b->set_min_items(nested.min_items);
    b->set_max_items(nested.max_items);
    BlockToProto(nested.block, b->mutable_block());
  }
}

}  // namespace

void SchemaToProto(const Schema& schema, tfplugin6::Schema* out) {
  out->set_version(schema.version);
  // Always materialise the block: Terraform crashes on a schema without one.
  BlockToProto(schema.block, out->mutable_block());
}

void PathToProto(const AttributePath& path, tfplugin6::AttributePath* out) {
  for (const AttributePath::Step& step : path.steps()) {
    tfplugin6::AttributePath::Step* s = out->add_steps();
    if (const auto* attr = std::get_if<AttributePath::AttributeName>(&step)) {
      s->set_attribute_name(base::ToValidUtf8(attr->name));
    } else if (const auto* key = std::get_if<AttributePath::ElementKeyString>(&step)) {
      s->set_element_key_string(base::ToValidUtf8(key->key));
    } else {
      s->set_element_key_int(std::get<AttributePath::ElementKeyInt>(step).index);
    }
  }
}

void DiagnosticsToProto(const Diagnostics& diagnostics,
                        google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>* out) {
  for (const Diagnostic& d : diagnostics.items()) {
    tfplugin6::Diagnostic* p = out->Add();
    p->set_severity(d.severity == Severity::kError ? tfplugin6::Diagnostic::ERROR
                                                   : tfplugin6::Diagnostic::WARNING);
    // Details quote what Agora, a proxy or a file said: never trusted to be UTF-8
    // (internal/base/utf8.h).
    p->set_summary(base::ToValidUtf8(d.summary));
    p->set_detail(base::ToValidUtf8(d.detail));
    if (d.attribute.has_value() && !d.attribute->empty()) {
      PathToProto(*d.attribute, p->mutable_attribute());
    }
  }
}

absl::StatusOr<cty::Value> DecodeDynamicValue(const tfplugin6::DynamicValue& in,
                                              const cty::Type& type) {
  if (in.msgpack().empty()) {
    if (!in.json().empty()) {
      return absl::InvalidArgumentError("JSON-encoded values are not supported; expected msgpack");
    }
    return absl::InvalidArgumentError("the value is empty");
  }
  return cty::DecodeMsgpack(in.msgpack(), type);
}

// Every number goes to Terraform as decimal text. go-cty reads it with cty.ParseNumberVal, exactly
// as Terraform reads numbers from the JSON state file; a msgpack integer would become
// cty.NumberIntVal instead: the same number, built differently. Terraform 1.11 to 1.14 decide
// whether a refresh-only plan can be applied (`plan -refresh-only -detailed-exitcode`) with
// State.ManagedResourcesEqual and RootOutputValuesEqual, which run reflect.DeepEqual on the
// in-memory objects, decoded values included: an unchanged object whose numbers came back as
// integers compares unequal to the one read from the state file, and the plan exits 2 while it
// prints "No changes.". Terraform v1.15.0 fixed that upstream ("remove the use of
// reflect.DeepEqual for states"); the decimal text makes the older releases exit 0 too.
// tests/e2e/test_refresh_only.py proves it with terraform 1.11.4; docs/design/terraform-plugin.md
// keeps the reasoning.
absl::Status EncodeDynamicValue(const cty::Value& value, const cty::Type& type,
                                tfplugin6::DynamicValue* out) {
  ASSIGN_OR_RETURN(std::string bytes,
                   cty::EncodeMsgpack(value, type, cty::NumberForm::kDecimalText));
  out->set_msgpack(std::move(bytes));
  return absl::OkStatus();
}

}  // namespace tfprotocol
