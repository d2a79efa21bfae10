// Parsing of HTTP bodies as JSON. A body comes from Agora or from whatever answers in its place (a
// TLS-inspecting proxy, a captive portal, anyone on the path with `insecure`): any bytes at all.
// The parse never recurses (deep nesting cannot exhaust the stack), stops at kMaxJsonBodyDepth
// levels, and accepts only well-formed UTF-8, escapes included, so every string in the document
// is valid UTF-8.
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace agora {

// Agora's answers nest five levels deep; anything past this is not one of them.
inline constexpr size_t kMaxJsonBodyDepth = 64;

// Parses `body` into `*document` (one JSON value; what follows it is ignored, as before).
// Errors are InvalidArgument with what was wrong and the byte offset, e.g. "invalid UTF-8 at byte
// 12" or "nested more than 64 levels deep at byte 64".
absl::Status ParseJsonBody(absl::string_view body, rapidjson::Document* document);

}  // namespace agora
