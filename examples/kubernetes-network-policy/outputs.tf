output "network_policy" {
  description = "Namespace and name of the NetworkPolicy."
  value       = "${kubernetes_network_policy.agora_ncs.metadata[0].namespace}/${kubernetes_network_policy.agora_ncs.metadata[0].name}"
}

output "fingerprint" {
  description = "sha256 of the Agora address set the policy was built from."
  value       = data.agora_ncs_ips.ncs.fingerprint
}

output "cidr_block_count" {
  description = "Number of IPv4 and IPv6 CIDR blocks allowed (after aggregation)."
  value = {
    ipv4 = length(data.agora_ncs_ips.ncs.cidr_blocks)
    ipv6 = length(data.agora_ncs_ips.ncs.ipv6_cidr_blocks)
  }
}
