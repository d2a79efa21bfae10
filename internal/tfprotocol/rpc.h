// What every tfplugin6 handler of ProviderService does around the provider call: an alternate
// signal stack for the crash report (internal/base/crash_report.h), a trace line in and out, a
// fresh Diagnostics, exceptions turned into an error diagnostic, the call's context, and decoding
// of request values. Private to provider_service*.cc.
#pragma once

#include <grpcpp/server_context.h>

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "internal/base/crash_report.h"
#include "internal/base/log.h"
#include "internal/tfprotocol/convert.h"
#include "internal/tfprotocol/provider.h"

namespace tfprotocol::rpc {

// Opens the RPC's log scope (tf_rpc, a fresh tf_req_id, `fields`), unless logging is off: then
// not even the request ID is made.
inline void OpenLogScope(std::optional<base::LogScope>& scope, const char* rpc,
                         base::LogFields fields) {
  if (!base::LogEnabled(base::LogLevel::kError)) return;
  fields.insert(fields.begin(), {{"tf_rpc", rpc}, {"tf_req_id", base::NewRequestId()}});
  scope.emplace(std::move(fields));
}

inline size_t CountErrors(const Diagnostics& diagnostics) {
  size_t n = 0;
  for (const Diagnostic& d : diagnostics.items()) n += d.severity == Severity::kError;
  return n;
}

// The provider-facing context of a gRPC call; `server_context` may be null (unit tests).
inline CallContext ContextOf(const char* rpc, grpc::ServerContext* server_context) {
  if (server_context == nullptr) return CallContext(rpc, absl::InfiniteFuture(), nullptr);
  const auto deadline = server_context->deadline();
  const absl::Time limit = deadline == std::chrono::system_clock::time_point::max()
                               ? absl::InfiniteFuture()
                               : absl::FromChrono(deadline);
  return CallContext(rpc, limit, [server_context] { return server_context->IsCancelled(); });
}

// Runs one RPC body with a fresh Diagnostics, turning any escaped exception into an error
// diagnostic (a provider crash would lose the user's whole run), and copies the diagnostics into
// the response. Domain failures always travel as diagnostics with status OK. Every line logged
// meanwhile on this thread carries tf_rpc, a fresh tf_req_id and `fields` (e.g. the resource
// type), as terraform-plugin-go's do.
template <typename Response, typename Body>
grpc::Status Run(const char* rpc, Response* response, base::LogFields fields, Body&& body) {
  // gRPC's threads run the provider's code: a stack overflow there must still be reported.
  base::EnsureAlternateSignalStack();
  std::optional<base::LogScope> scope;
  OpenLogScope(scope, rpc, std::move(fields));
  base::Log(base::LogLevel::kTrace, "Received request");
  Diagnostics diagnostics;
  try {
    body(diagnostics);
  } catch (const std::exception& e) {
    diagnostics.AddError("Internal error in the provider",
                         absl::StrCat(rpc, " failed unexpectedly: ", e.what(),
                                      ". Please report this issue with the provider's logs."));
  }
  DiagnosticsToProto(diagnostics, response->mutable_diagnostics());
  base::Log(base::LogLevel::kTrace, "Served request",
            {{"diagnostic_count", diagnostics.items().size()},
             {"diagnostic_error_count", CountErrors(diagnostics)}});
  return grpc::Status::OK;
}

// The decoded request value, or nullopt after adding an error diagnostic with `summary`.
inline std::optional<cty::Value> Decode(const tfplugin6::DynamicValue& value, const cty::Type& type,
                                        const char* summary, Diagnostics& diagnostics) {
  absl::StatusOr<cty::Value> decoded = DecodeDynamicValue(value, type);
  if (!decoded.ok()) {
    diagnostics.AddStatusError(summary, decoded.status());
    return std::nullopt;
  }
  return *std::move(decoded);
}

// Encodes a provider's result, first checking what Terraform would otherwise reject with a
// message blaming the provider: a null object where one is required, or unknowns where all must
// be known. Returns nullopt after adding an error diagnostic.
inline std::optional<tfplugin6::DynamicValue> EncodeResult(const cty::Value& value,
                                                           const cty::Type& type, bool allow_null,
                                                           bool require_known,
                                                           absl::string_view what,
                                                           Diagnostics& diagnostics) {
  if ((!allow_null && value.is_null()) || (require_known && !value.is_wholly_known())) {
    diagnostics.AddError("Provider produced an incomplete result",
                         absl::StrCat(what,
                                      " is not complete. Please report this issue with the "
                                      "provider's logs."));
    return std::nullopt;
  }
  tfplugin6::DynamicValue out;
  absl::Status encoded =
      EncodeDynamicValue(value.is_null() ? cty::Value::Null(type) : value, type, &out);
  if (!encoded.ok()) {
    diagnostics.AddStatusError("Provider produced an invalid result", encoded);
    return std::nullopt;
  }
  return out;
}

}  // namespace tfprotocol::rpc
