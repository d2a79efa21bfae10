// soak_client: drives one long-lived provider in debug (reattach) mode with many ReadDataSource
// calls, playing Terraform's part without Terraform (bench/soak.py, `make soak`).
//
//   soak_client --addr unix:/path --endpoint URL --customer-id ID --customer-secret S
//               [--requests N] [--concurrency C] [--reconfigure-every K] [--stop-at I]
//               [--stop-delay-ms MS] [--deadline-ms MS] [--total-timeout DUR]
//               [--data-source agora_ncs_ips]
//
// Connects in plaintext (debug mode serves no TLS), calls GetProviderSchema and ConfigureProvider
// once (config: the provider schema's object with customer_id, customer_secret, endpoints = [URL],
// total_timeout = DUR if given, every other attribute null; msgpack by cty::EncodeMsgpack), then
// issues N ReadDataSource calls (the data source's config all null) from C threads at once.
// Before the read of every index i > 0 with i % K == 0 it calls ConfigureProvider again: the
// provider's snapshot cache reads Agora once per configuration, so K sets how many reads reach the
// API. The thread that takes index I (--stop-at) waits MS and calls StopProvider, then configures
// again, so that the reads in flight at that moment answer with a cancelled diagnostic and later
// ones read afresh. --deadline-ms sets a client-side deadline on each read.
//
// Prints one JSON line: requests, ok (a state, no error diagnostic), cancelled (an error
// diagnostic mentioning "cancel"), deadline (client deadline exceeded), error_diagnostics (any
// other error diagnostic), rpc_errors (any other gRPC failure), configures, stops, latency
// percentiles in ms, and the first other error seen. Exit 0 when every call was answered with
// ok, cancelled or deadline; 1 otherwise; 64 on bad usage.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "internal/cty/msgpack.h"
#include "internal/cty/type.h"
#include "internal/cty/value.h"
#include "proto/tfplugin6.grpc.pb.h"

namespace {

constexpr int kExitUsage = 64;

struct Flags {
  std::string addr;
  std::string endpoint;
  std::string customer_id;
  std::string customer_secret;
  std::string total_timeout;
  std::string data_source = "agora_ncs_ips";
  long requests = 100;
  long concurrency = 1;
  long reconfigure_every = 0;
  long stop_at = -1;
  long stop_delay_ms = 0;
  long deadline_ms = 0;
};

int Usage(const std::string& problem) {
  std::cerr << "soak_client: " << problem << "\n"
            << "usage: soak_client --addr unix:/path --endpoint URL --customer-id ID\n"
            << "         --customer-secret S [--requests N] [--concurrency C]\n"
            << "         [--reconfigure-every K] [--stop-at I] [--stop-delay-ms MS]\n"
            << "         [--deadline-ms MS] [--total-timeout DUR] [--data-source NAME]\n";
  return kExitUsage;
}

std::optional<Flags> ParseFlags(int argc, char** argv, std::string* problem) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) {
      *problem = arg + " needs a value";
      return std::nullopt;
    }
    std::string v = argv[++i];
    auto number = [&](long* out) {
      char* end = nullptr;
      *out = std::strtol(v.c_str(), &end, 10);
      return end != v.c_str() && *end == '\0';
    };
    bool ok = true;
    if (arg == "--addr") f.addr = v;
    else if (arg == "--endpoint") f.endpoint = v;
    else if (arg == "--customer-id") f.customer_id = v;
    else if (arg == "--customer-secret") f.customer_secret = v;
    else if (arg == "--total-timeout") f.total_timeout = v;
    else if (arg == "--data-source") f.data_source = v;
    else if (arg == "--requests") ok = number(&f.requests);
    else if (arg == "--concurrency") ok = number(&f.concurrency);
    else if (arg == "--reconfigure-every") ok = number(&f.reconfigure_every);
    else if (arg == "--stop-at") ok = number(&f.stop_at);
    else if (arg == "--stop-delay-ms") ok = number(&f.stop_delay_ms);
    else if (arg == "--deadline-ms") ok = number(&f.deadline_ms);
    else {
      *problem = "unknown argument " + arg;
      return std::nullopt;
    }
    if (!ok) {
      *problem = arg + " needs a number, not " + v;
      return std::nullopt;
    }
  }
  if (f.addr.empty() || f.endpoint.empty()) {
    *problem = "--addr and --endpoint are required";
    return std::nullopt;
  }
  if (f.requests < 0 || f.concurrency < 1) {
    *problem = "--requests must be >= 0 and --concurrency >= 1";
    return std::nullopt;
  }
  return f;
}

// The object type of a schema block's attributes (this provider's blocks have no nested blocks).
std::optional<cty::Type> BlockType(const tfplugin6::Schema::Block& block, std::string* problem) {
  if (block.block_types_size() != 0) {
    *problem = "nested blocks are not supported";
    return std::nullopt;
  }
  cty::Type::AttributeTypes attributes;
  for (const auto& attribute : block.attributes()) {
    absl::StatusOr<cty::Type> type = cty::Type::FromJson(attribute.type());
    if (!type.ok()) {
      *problem = "attribute " + attribute.name() + ": " + std::string(type.status().message());
      return std::nullopt;
    }
    attributes.emplace(attribute.name(), *type);
  }
  return cty::Type::Object(std::move(attributes));
}

// Every attribute of `type` null, but those in `set`.
std::optional<std::string> Encode(const cty::Type& type, const cty::Value::Attributes& set,
                                  std::string* problem) {
  cty::Value::Attributes attributes;
  for (const auto& [name, attribute_type] : type.attributes()) {
    auto it = set.find(name);
    attributes.emplace(name, it != set.end() ? it->second : cty::Value::Null(attribute_type));
  }
  absl::StatusOr<std::string> bytes = cty::EncodeMsgpack(cty::Value::ObjectOf(type, attributes),
                                                         type);
  if (!bytes.ok()) {
    *problem = std::string(bytes.status().message());
    return std::nullopt;
  }
  return *bytes;
}

std::string ErrorText(const google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic>& diags) {
  for (const auto& d : diags) {
    if (d.severity() == tfplugin6::Diagnostic::ERROR) return d.summary() + ": " + d.detail();
  }
  return "";
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  std::string problem;
  std::optional<Flags> parsed = ParseFlags(argc, argv, &problem);
  if (!parsed) return Usage(problem);
  const Flags flags = *parsed;

  auto channel = grpc::CreateChannel(flags.addr, grpc::InsecureChannelCredentials());
  auto stub = tfplugin6::Provider::NewStub(channel);
  auto fail = [](const std::string& what) {
    std::cout << "{\"fatal\": " << JsonString(what) << "}" << std::endl;
    return 1;
  };

  tfplugin6::GetProviderSchema::Response schema;
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status status =
        stub->GetProviderSchema(&context, tfplugin6::GetProviderSchema::Request(), &schema);
    if (!status.ok()) return fail("GetProviderSchema: " + status.error_message());
  }
  auto data_schema = schema.data_source_schemas().find(flags.data_source);
  if (data_schema == schema.data_source_schemas().end()) {
    return fail("no data source " + flags.data_source);
  }
  std::optional<cty::Type> provider_type = BlockType(schema.provider().block(), &problem);
  if (!provider_type) return fail("provider schema: " + problem);
  std::optional<cty::Type> data_type = BlockType(data_schema->second.block(), &problem);
  if (!data_type) return fail("data source schema: " + problem);

  cty::Value::Attributes settings = {
      {"customer_id", cty::Value::String(flags.customer_id)},
      {"customer_secret", cty::Value::String(flags.customer_secret)},
      {"endpoints", cty::Value::List(cty::Type::String(), {cty::Value::String(flags.endpoint)})},
  };
  if (!flags.total_timeout.empty()) {
    settings.emplace("total_timeout", cty::Value::String(flags.total_timeout));
  }
  std::optional<std::string> provider_config = Encode(*provider_type, settings, &problem);
  if (!provider_config) return fail("provider config: " + problem);
  std::optional<std::string> data_config = Encode(*data_type, {}, &problem);
  if (!data_config) return fail("data source config: " + problem);

  std::atomic<long> configures{0}, stops{0};
  std::mutex mu;
  std::string first_error;
  auto note_error = [&](const std::string& text) {
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.empty()) first_error = text;
  };
  auto configure = [&]() {
    tfplugin6::ConfigureProvider::Request request;
    request.set_terraform_version("1.11.4");
    request.mutable_config()->set_msgpack(*provider_config);
    tfplugin6::ConfigureProvider::Response response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = stub->ConfigureProvider(&context, request, &response);
    configures++;
    if (!status.ok()) return "ConfigureProvider: " + status.error_message();
    std::string error = ErrorText(response.diagnostics());
    return error.empty() ? error : "ConfigureProvider: " + error;
  };
  if (std::string error = configure(); !error.empty()) return fail(error);

  std::atomic<long> next{0}, ok{0}, cancelled{0}, deadline{0}, diag_errors{0}, rpc_errors{0};
  std::vector<double> latencies(static_cast<size_t>(flags.requests));
  auto worker = [&]() {
    for (long i = next++; i < flags.requests; i = next++) {
      if (i == flags.stop_at) {
        std::this_thread::sleep_for(std::chrono::milliseconds(flags.stop_delay_ms));
        grpc::ClientContext context;
        tfplugin6::StopProvider::Response response;
        grpc::Status status =
            stub->StopProvider(&context, tfplugin6::StopProvider::Request(), &response);
        stops++;
        if (!status.ok()) note_error("StopProvider: " + status.error_message());
        if (std::string error = configure(); !error.empty()) note_error(error);
      } else if (flags.reconfigure_every > 0 && i > 0 && i % flags.reconfigure_every == 0) {
        if (std::string error = configure(); !error.empty()) note_error(error);
      }
      tfplugin6::ReadDataSource::Request request;
      request.set_type_name(flags.data_source);
      request.mutable_config()->set_msgpack(*data_config);
      tfplugin6::ReadDataSource::Response response;
      grpc::ClientContext context;
      if (flags.deadline_ms > 0) {
        context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::milliseconds(flags.deadline_ms));
      }
      auto start = std::chrono::steady_clock::now();
      grpc::Status status = stub->ReadDataSource(&context, request, &response);
      latencies[static_cast<size_t>(i)] =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (!status.ok()) {
        if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
          deadline++;
        } else {
          rpc_errors++;
          note_error("ReadDataSource: " + status.error_message());
        }
        continue;
      }
      std::string error = ErrorText(response.diagnostics());
      if (error.empty() && !response.state().msgpack().empty()) {
        ok++;
      } else if (error.find("cancel") != std::string::npos) {
        cancelled++;
      } else {
        diag_errors++;
        note_error(error.empty() ? "ReadDataSource: no state and no error" : error);
      }
    }
  };
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (long t = 0; t < flags.concurrency; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  double wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();

  std::sort(latencies.begin(), latencies.end());
  auto percentile = [&](double p) {
    if (latencies.empty()) return 0.0;
    size_t index = static_cast<size_t>(p * static_cast<double>(latencies.size() - 1) + 0.5);
    return latencies[index];
  };
  char numbers[256];
  std::snprintf(numbers, sizeof numbers,
                "\"wall_ms\": %.1f, \"p50_ms\": %.2f, \"p90_ms\": %.2f, \"p99_ms\": %.2f, "
                "\"max_ms\": %.2f",
                wall_ms, percentile(0.5), percentile(0.9), percentile(0.99), percentile(1.0));
  std::cout << "{\"requests\": " << flags.requests << ", \"ok\": " << ok
            << ", \"cancelled\": " << cancelled << ", \"deadline\": " << deadline
            << ", \"error_diagnostics\": " << diag_errors << ", \"rpc_errors\": " << rpc_errors
            << ", \"configures\": " << configures << ", \"stops\": " << stops << ", " << numbers
            << ", \"first_error\": " << JsonString(first_error) << "}" << std::endl;
  bool answered = ok + cancelled + deadline == flags.requests;
  return answered && first_error.empty() ? 0 : 1;
}
