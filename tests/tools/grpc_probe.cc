// grpc_probe: a minimal gRPC client for the plugin e2e tests, playing the part of Terraform's
// go-plugin client without Terraform. Depends on gRPC only: the two messages it needs are
// encoded by hand.
//
//   grpc_probe --addr unix:/path (--server-cert-der-b64 FIELD6 | --plaintext)
//              [--client-cert PEMFILE --client-key PEMFILE] [--shutdown]
//
// Without --shutdown: calls /grpc.health.v1.Health/Check for service "plugin"; prints
// "OK SERVING" and exits 0 when the plugin is serving. With --shutdown: calls
// /plugin.GRPCController/Shutdown; prints "OK SHUTDOWN" and exits 0. On an RPC error it prints
// "ERROR <status code> <message>" and exits 2; on bad usage it exits 64.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRefused = 2;
constexpr int kExitUsage = 64;
constexpr auto kDeadline = std::chrono::seconds(5);

struct Flags {
  std::string addr;
  std::optional<std::string> server_cert_der_b64;
  std::string client_cert_file;
  std::string client_key_file;
  bool plaintext = false;
  bool shutdown = false;
};

int Usage(const std::string& problem) {
  std::cerr << "grpc_probe: " << problem << "\n"
            << "usage: grpc_probe --addr unix:/path (--server-cert-der-b64 B64 | --plaintext)\n"
            << "                  [--client-cert PEMFILE --client-key PEMFILE] [--shutdown]\n";
  return kExitUsage;
}

std::optional<Flags> ParseFlags(int argc, char** argv, std::string* problem) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        *problem = arg + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    if (arg == "--addr") {
      if (!value(&flags.addr)) return std::nullopt;
    } else if (arg == "--server-cert-der-b64") {
      std::string b64;
      if (!value(&b64)) return std::nullopt;
      flags.server_cert_der_b64 = b64;
    } else if (arg == "--client-cert") {
      if (!value(&flags.client_cert_file)) return std::nullopt;
    } else if (arg == "--client-key") {
      if (!value(&flags.client_key_file)) return std::nullopt;
    } else if (arg == "--plaintext") {
      flags.plaintext = true;
    } else if (arg == "--shutdown") {
      flags.shutdown = true;
    } else {
      *problem = "unknown argument " + arg;
      return std::nullopt;
    }
  }
  if (flags.addr.empty()) {
    *problem = "--addr is required";
    return std::nullopt;
  }
  if (flags.plaintext == flags.server_cert_der_b64.has_value()) {
    *problem = "give exactly one of --plaintext and --server-cert-der-b64";
    return std::nullopt;
  }
  if (flags.client_cert_file.empty() != flags.client_key_file.empty()) {
    *problem = "--client-cert and --client-key go together";
    return std::nullopt;
  }
  return flags;
}

bool ReadFile(const std::string& path, std::string* contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *contents = buffer.str();
  return true;
}

// PEM is base64 of the DER with padding and 64-column lines, so the handshake's unpadded base64
// only needs re-wrapping.
std::string PemFromRawBase64Der(std::string b64) {
  while (b64.size() % 4 != 0) b64.push_back('=');
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END CERTIFICATE-----\n";
}

std::shared_ptr<grpc::Channel> MakeChannel(const Flags& flags, std::string* problem) {
  if (flags.plaintext) {
    return grpc::CreateChannel(flags.addr, grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = PemFromRawBase64Der(*flags.server_cert_der_b64);
  if (!flags.client_cert_file.empty()) {
    if (!ReadFile(flags.client_cert_file, &ssl.pem_cert_chain) ||
        !ReadFile(flags.client_key_file, &ssl.pem_private_key)) {
      *problem = "cannot read the client certificate or key";
      return nullptr;
    }
  }
  grpc::ChannelArguments args;
  // go-plugin's client checks the server certificate against the name "localhost".
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel(flags.addr, grpc::SslCredentials(ssl), args);
}

// Makes one unary call with raw message bytes; returns the status and fills `response`.
grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                  const std::string& request, std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kDeadline);
  grpc::Slice request_slice(request);
  grpc::ByteBuffer request_buffer(&request_slice, 1);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareUnaryCall(&context, method, request_buffer, &cq);
  call->StartCall();
  grpc::ByteBuffer response_buffer;
  grpc::Status status;
  call->Finish(&response_buffer, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (status.ok()) {
    std::vector<grpc::Slice> slices;
    (void)response_buffer.Dump(&slices);
    response->clear();
    for (const grpc::Slice& slice : slices) {
      response->append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::string problem;
  std::optional<Flags> flags = ParseFlags(argc, argv, &problem);
  if (!flags.has_value()) return Usage(problem);
  std::shared_ptr<grpc::Channel> channel = MakeChannel(*flags, &problem);
  if (channel == nullptr) return Usage(problem);

  std::string response;
  grpc::Status status;
  if (flags->shutdown) {
    status = Call(channel, "/plugin.GRPCController/Shutdown", "", &response);
  } else {
    // grpc.health.v1.HealthCheckRequest{service: "plugin"}: field 1, length-delimited.
    status =
        Call(channel, "/grpc.health.v1.Health/Check", std::string("\x0a\x06plugin", 8), &response);
  }
  if (!status.ok()) {
    std::printf("ERROR %d %s\n", static_cast<int>(status.error_code()),
                status.error_message().c_str());
    return kExitRefused;
  }
  if (flags->shutdown) {
    std::printf("OK SHUTDOWN\n");
    return kExitOk;
  }
  // grpc.health.v1.HealthCheckResponse{status: SERVING (1)}; proto3 omits a zero (UNKNOWN).
  if (response == std::string("\x08\x01", 2)) {
    std::printf("OK SERVING\n");
    return kExitOk;
  }
  std::printf("NOT SERVING (response bytes:");
  for (unsigned char c : response) std::printf(" %02x", c);
  std::printf(")\n");
  return kExitRefused;
}
