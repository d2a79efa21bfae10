// gRPC core's plugin configuration for a plugin server on a Unix socket, replacing gRPC's default.
//
// grpc_core::BuildCoreConfiguration is the function gRPC core calls once, at its first use, to
// register its filters, handshakers, resolvers and load-balancing policies. gRPC's own definition
// (grpc_plugin_registry.cc in libgrpc.a) registers everything gRPC can do as a client or server:
// xDS, RLS, grpclb, ring hash, c-ares DNS, fault injection, RBAC... and so links all of it, with
// RE2 and the Envoy API definitions, into every static binary. Defining the function here keeps
// that object out of the link: the linker takes an archive member only for a symbol that is still
// undefined. What stays is what a plugin needs: the server's filters and TLS handshake, and a
// client for unix: and ipv4/ipv6 literal targets (go-plugin's side, used by the tests).
//
// The registration functions are gRPC 1.51's (Debian's libgrpc-dev). They are internal, so they
// are declared here by hand; a gRPC whose functions differ fails at link time, not at run time.
// It works because gRPC is linked statically (with a shared libgrpc it would clash instead).
//
// Order matters where gRPC says so: handshakers registered later run earlier, and
// RegisterBuiltins comes last. The order below is the default's, minus what is left out.

namespace grpc_core {
class CoreConfiguration {
 public:
  class Builder;
};
using ConfigurationBuilder = CoreConfiguration::Builder;

void RegisterHttpConnectHandshaker(ConfigurationBuilder* builder);
void RegisterTCPConnectHandshaker(ConfigurationBuilder* builder);
void RegisterPickFirstLbPolicy(ConfigurationBuilder* builder);
void BuildClientChannelConfiguration(ConfigurationBuilder* builder);
void SecurityRegisterHandshakerFactories(ConfigurationBuilder* builder);
void RegisterClientAuthorityFilter(ConfigurationBuilder* builder);
void RegisterChannelIdleFilters(ConfigurationBuilder* builder);
void RegisterHttpFilters(ConfigurationBuilder* builder);
void RegisterDeadlineFilter(ConfigurationBuilder* builder);
void RegisterMessageSizeFilter(ConfigurationBuilder* builder);
void RegisterServiceConfigChannelArgFilter(ConfigurationBuilder* builder);
void RegisterResourceQuota(ConfigurationBuilder* builder);
void RegisterSockaddrResolver(ConfigurationBuilder* builder);
void RegisterSecurityFilters(ConfigurationBuilder* builder);
void RegisterBuiltins(ConfigurationBuilder* builder);

void BuildCoreConfiguration(ConfigurationBuilder* builder);
}  // namespace grpc_core

namespace grpc_event_engine::experimental {
void RegisterEventEngineChannelArgPreconditioning(grpc_core::ConfigurationBuilder* builder);
}  // namespace grpc_event_engine::experimental

void grpc_core::BuildCoreConfiguration(ConfigurationBuilder* builder) {
  grpc_event_engine::experimental::RegisterEventEngineChannelArgPreconditioning(builder);
  // Client side: connecting to unix: and IP-literal targets, pick_first only.
  RegisterHttpConnectHandshaker(builder);
  RegisterTCPConnectHandshaker(builder);
  RegisterPickFirstLbPolicy(builder);
  BuildClientChannelConfiguration(builder);
  // TLS (AutoMTLS) and the filters of both channel stacks.
  SecurityRegisterHandshakerFactories(builder);
  RegisterClientAuthorityFilter(builder);
  RegisterChannelIdleFilters(builder);
  RegisterHttpFilters(builder);
  RegisterDeadlineFilter(builder);
  RegisterMessageSizeFilter(builder);
  RegisterServiceConfigChannelArgFilter(builder);
  RegisterResourceQuota(builder);
  RegisterSockaddrResolver(builder);
  RegisterSecurityFilters(builder);
  RegisterBuiltins(builder);
}
