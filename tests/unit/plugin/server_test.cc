#include "internal/plugin/server.h"

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "internal/plugin/go_plugin_services.h"
#include "internal/plugin/handshake.h"
#include "internal/plugin/mtls.h"
#include "internal/plugin/openssl_ptr.h"
#include "proto/plugin/grpc_broker.grpc.pb.h"

namespace plugin {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string ReadAll(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) text.append(buffer, n);
  return text;
}

bool IsSocket(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
}

bool Exists(const std::string& path) {
  struct stat info;
  return lstat(path.c_str(), &info) == 0;
}

std::string PemFromDer(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  OpenSslPtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert == nullptr) return "";
  OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// Health/Check("plugin") with hand-encoded messages (no health proto is compiled here).
grpc::Status CheckHealth(const std::shared_ptr<grpc::Channel>& channel, std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::Slice slice(std::string("\x0a\x06plugin", 8));
  grpc::ByteBuffer request(&slice, 1);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", request, &cq);
  call->StartCall();
  grpc::ByteBuffer reply;
  grpc::Status status;
  call->Finish(&reply, &status, reinterpret_cast<void*>(1));
  void* tag;
  bool ok;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  std::vector<grpc::Slice> slices;
  if (status.ok() && reply.Dump(&slices).ok()) {
    response->clear();
    for (const grpc::Slice& s : slices) {
      response->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return status;
}

const std::string kServing("\x08\x01", 2);

grpc::Status CallShutdown(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  Empty request;
  Empty response;
  return GRPCController::NewStub(channel)->Shutdown(&context, request, &response);
}

// Runs Serve() on its own thread with the handshake going through a pipe, as Terraform sees it.
class BackgroundServer {
 public:
  BackgroundServer(ServerOptions options, base::MapEnv env)
      : options_(std::move(options)), env_(std::move(env)), err_(std::tmpfile()) {
    int fds[2];
    if (pipe(fds) != 0) std::abort();
    handshake_ = fdopen(fds[0], "r");
    std::FILE* out = fdopen(fds[1], "w");
    thread_ = std::thread([this, out] {
      exit_code_ = Serve(options_, env_, out, err_);
      std::fclose(out);  // EOF for a reader still waiting on the handshake.
      exited_.Notify();
    });
  }

  ~BackgroundServer() {
    if (!exited_.WaitForNotificationWithTimeout(absl::Seconds(10))) std::abort();
    thread_.join();
    std::fclose(handshake_);
    std::fclose(err_);
  }

  // The next line of the server's stdout, without the newline; "" at EOF.
  std::string ReadLine() {
    std::string line;
    int c;
    while ((c = std::fgetc(handshake_)) != EOF && c != '\n') line.push_back(static_cast<char>(c));
    return line;
  }

  // Serve()'s return value, or -1 if it is still running after `timeout`.
  int WaitForExit(absl::Duration timeout) {
    return exited_.WaitForNotificationWithTimeout(timeout) ? exit_code_.load() : -1;
  }

  std::string Stderr() { return ReadAll(err_); }

 private:
  const ServerOptions options_;
  const base::MapEnv env_;
  std::FILE* const err_;
  std::FILE* handshake_;
  std::atomic<int> exit_code_{-1};
  absl::Notification exited_;
  std::thread thread_;
};

struct Handshake {
  std::vector<std::string> fields;
  std::string socket() const { return fields.at(3); }
  std::string target() const { return "unix:" + fields.at(3); }
};

Handshake ParseHandshake(const std::string& line) { return Handshake{absl::StrSplit(line, '|')}; }

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/server_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    options_.app_protocol_versions = {6};
    env_.Set(std::string(kMagicCookieKey), std::string(kMagicCookieValue));
    env_.Set("PLUGIN_PROTOCOL_VERSIONS", "5,6");
    env_.Set("PLUGIN_UNIX_SOCKET_DIR", dir_);
  }
  void TearDown() override { EXPECT_EQ(rmdir(dir_.c_str()), 0) << "left files in " << dir_; }

  // Serve() run synchronously, for the cases that must fail before listening.
  int ServeExpectingFailure(const base::MapEnv& env, std::string* out, std::string* err) {
    std::FILE* out_file = std::tmpfile();
    std::FILE* err_file = std::tmpfile();
    int code = Serve(options_, env, out_file, err_file);
    *out = ReadAll(out_file);
    *err = ReadAll(err_file);
    std::fclose(out_file);
    std::fclose(err_file);
    return code;
  }

  std::string dir_;
  ServerOptions options_;
  base::MapEnv env_;
};

TEST_F(ServeTest, WithoutTheMagicCookieExplainsAndExits1) {
  std::string out;
  std::string err;
  EXPECT_EQ(ServeExpectingFailure(base::MapEnv(), &out, &err), 1);
  EXPECT_THAT(out, IsEmpty());
  EXPECT_THAT(err, HasSubstr("This binary is a plugin. These are not meant to be executed"));
}

TEST_F(ServeTest, WithAWrongMagicCookieExplainsAndExits1) {
  env_.Set(std::string(kMagicCookieKey), "0000");
  std::string out;
  std::string err;
  EXPECT_EQ(ServeExpectingFailure(env_, &out, &err), 1);
  EXPECT_THAT(out, IsEmpty());
  EXPECT_THAT(err, HasSubstr("This binary is a plugin"));
}

TEST_F(ServeTest, WithoutACommonProtocolVersionExits1) {
  env_.Set("PLUGIN_PROTOCOL_VERSIONS", "5");
  std::string out;
  std::string err;
  EXPECT_EQ(ServeExpectingFailure(env_, &out, &err), 1);
  EXPECT_THAT(out, IsEmpty());
  EXPECT_THAT(err, HasSubstr("protocol"));
}

TEST_F(ServeTest, WithAMangledClientCertExits1) {
  env_.Set("PLUGIN_CLIENT_CERT", "-----BEGIN CERTIFICATE-----\nnope\n");
  std::string out;
  std::string err;
  EXPECT_EQ(ServeExpectingFailure(env_, &out, &err), 1);
  EXPECT_THAT(out, IsEmpty());
  EXPECT_THAT(err, HasSubstr("PLUGIN_CLIENT_CERT"));
}

TEST_F(ServeTest, ServesMutualTlsAndShutsDownOnRequest) {
  absl::StatusOr<ServerCertificate> client = GenerateServerCertificate("go-plugin test client");
  ASSERT_TRUE(client.ok());
  env_.Set("PLUGIN_CLIENT_CERT", client->cert_pem);
  std::atomic<int> on_shutdown_calls{0};
  options_.on_shutdown = [&on_shutdown_calls] { ++on_shutdown_calls; };

  absl::Time start = absl::Now();
  BackgroundServer server(options_, env_);
  std::string line = server.ReadLine();
  absl::Duration startup = absl::Now() - start;
  std::fprintf(stderr, "handshake after %s\n", absl::FormatDuration(startup).c_str());

  Handshake handshake = ParseHandshake(line);
  ASSERT_EQ(handshake.fields.size(), 6u) << line;
  EXPECT_EQ(handshake.fields[0], "1");
  EXPECT_EQ(handshake.fields[1], "6");
  EXPECT_EQ(handshake.fields[2], "unix");
  EXPECT_EQ(handshake.fields[4], "grpc");
  EXPECT_EQ(handshake.socket().rfind(dir_ + "/plugin", 0), 0u);
  EXPECT_TRUE(IsSocket(handshake.socket()));
  std::string der;
  ASSERT_TRUE(absl::Base64Unescape(handshake.fields[5], &der));
  std::string server_pem = PemFromDer(der);
  ASSERT_FALSE(server_pem.empty());

  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  grpc::SslCredentialsOptions with_cert{server_pem, client->key_pem, client->cert_pem};
  auto channel =
      grpc::CreateCustomChannel(handshake.target(), grpc::SslCredentials(with_cert), args);
  std::string health;
  grpc::Status status = CheckHealth(channel, &health);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(health, kServing);

  grpc::SslCredentialsOptions without_cert{server_pem, "", ""};
  auto anonymous =
      grpc::CreateCustomChannel(handshake.target(), grpc::SslCredentials(without_cert), args);
  EXPECT_FALSE(CheckHealth(anonymous, &health).ok());

  // Terraform holds a StreamStdio call open for the whole session; it must not delay the exit.
  grpc::ClientContext stdio_context;
  auto stdio = GRPCStdio::NewStub(channel)->StreamStdio(&stdio_context, {});
  grpc::Status stdio_status;
  std::thread stdio_reader([&] {
    StdioData data;
    while (stdio->Read(&data)) {
    }
    stdio_status = stdio->Finish();
  });
  absl::SleepFor(absl::Milliseconds(100));

  absl::Time shutdown_start = absl::Now();
  EXPECT_TRUE(CallShutdown(channel).ok());
  EXPECT_EQ(server.WaitForExit(absl::Seconds(2)), 0);
  EXPECT_LT(absl::Now() - shutdown_start, absl::Seconds(1));
  EXPECT_EQ(on_shutdown_calls.load(), 1);
  EXPECT_FALSE(Exists(handshake.socket()));
  stdio_reader.join();
  EXPECT_TRUE(stdio_status.ok()) << stdio_status.error_message();
  EXPECT_THAT(server.Stderr(), IsEmpty());
}

TEST_F(ServeTest, ServesPlaintextWithoutClientCertIgnoresSigintAndStopsOnSigterm) {
  BackgroundServer server(options_, env_);
  std::string line = server.ReadLine();
  Handshake handshake = ParseHandshake(line);
  ASSERT_EQ(handshake.fields.size(), 6u) << line;
  EXPECT_THAT(handshake.fields[5], IsEmpty());

  auto channel = grpc::CreateChannel(handshake.target(), grpc::InsecureChannelCredentials());
  std::string health;
  ASSERT_TRUE(CheckHealth(channel, &health).ok());
  EXPECT_EQ(health, kServing);

  ASSERT_EQ(raise(SIGINT), 0);  // Terraform's terminal Ctrl-C: must not stop the plugin.
  ASSERT_TRUE(CheckHealth(channel, &health).ok());

  ASSERT_EQ(raise(SIGTERM), 0);
  EXPECT_EQ(server.WaitForExit(absl::Seconds(2)), 0);
  EXPECT_FALSE(Exists(handshake.socket()));
}

// A stand-in provider service, to show that the caller's services are served.
class FakeBrokerService final : public GRPCBroker::Service {
  grpc::Status StartStream(grpc::ServerContext*,
                           grpc::ServerReaderWriter<ConnInfo, ConnInfo>*) override {
    return grpc::Status(grpc::StatusCode::ABORTED, "fake broker");
  }
};

TEST_F(ServeTest, ServesTheCallersServices) {
  FakeBrokerService broker;
  options_.services = {&broker};
  BackgroundServer server(options_, env_);
  Handshake handshake = ParseHandshake(server.ReadLine());
  ASSERT_EQ(handshake.fields.size(), 6u);

  auto channel = grpc::CreateChannel(handshake.target(), grpc::InsecureChannelCredentials());
  grpc::ClientContext context;
  auto stream = GRPCBroker::NewStub(channel)->StartStream(&context);
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(status.error_message(), "fake broker");

  ASSERT_TRUE(CallShutdown(channel).ok());
  EXPECT_EQ(server.WaitForExit(absl::Seconds(2)), 0);
}

TEST_F(ServeTest, DebugModeNeedsNoCookiePrintsReattachConfigAndStopsOnSigint) {
  options_.debug = true;
  options_.provider_address = "registry.terraform.io/agora/agora";
  base::MapEnv env({{"PLUGIN_UNIX_SOCKET_DIR", dir_}});
  BackgroundServer server(options_, env);

  std::string reattach;
  for (std::string line = server.ReadLine(); !line.empty() || reattach.empty();
       line = server.ReadLine()) {
    if (line.rfind("TF_REATTACH_PROVIDERS=", 0) == 0) {
      reattach = line;
      break;
    }
  }
  EXPECT_THAT(reattach, HasSubstr("\"Pid\":" + std::to_string(getpid())));
  EXPECT_THAT(reattach, HasSubstr("\"ProtocolVersion\":6"));
  EXPECT_THAT(reattach, HasSubstr("\"Test\":true"));
  std::string marker = "\"String\":\"";
  size_t at = reattach.find(marker);
  ASSERT_NE(at, std::string::npos);
  std::string socket = reattach.substr(at + marker.size(),
                                       reattach.find('"', at + marker.size()) - at - marker.size());
  EXPECT_TRUE(IsSocket(socket)) << socket;

  auto channel = grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials());
  std::string health;
  ASSERT_TRUE(CheckHealth(channel, &health).ok());

  ASSERT_EQ(raise(SIGINT), 0);
  EXPECT_EQ(server.WaitForExit(absl::Seconds(2)), 0);
  EXPECT_FALSE(Exists(socket));
}

}  // namespace
}  // namespace plugin
