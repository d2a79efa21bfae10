// Parsing of the body of GET /v{1,2}/ncs/ip. Tolerant of what does not matter (unknown fields,
// hosts without an address), strict about what does (shape, address syntax, non-public ranges):
// a body that is not the documented JSON is an error, never an empty list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "provider/addresses/ip_address.h"

namespace agora {

struct NcsResponse {
  std::vector<IpAddress> addresses;   // In the API's order, duplicates kept.
  std::vector<std::string> warnings;  // E.g. hosts skipped for lacking primaryIP.
};

// Errors are InvalidArgument with a message saying what was expected and what was found.
absl::StatusOr<NcsResponse> ParseNcsResponse(absl::string_view body);

}  // namespace agora
