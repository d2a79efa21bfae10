// UTF-8 for text that crosses the process boundary. Terraform decodes every protobuf `string` and
// every msgpack string we send as UTF-8 and drops the whole response when one is not (go-plugin
// reports "string field contains invalid UTF-8"), so text that may come from outside (an HTTP
// body, a header, a file) is made valid before it is sent (internal/tfprotocol/convert.cc,
// internal/cty/msgpack_encode.cc). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace base {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` with each run of bytes that are not well-formed UTF-8 replaced by one U+FFFD, as Go's
// strings.ToValidUTF8(text, "\uFFFD") does. Valid text is returned unchanged.
std::string ToValidUtf8(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
// character: a cut never leaves half of a multi-byte sequence behind. Invalid bytes count as
// characters of their own.
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);

}  // namespace base
