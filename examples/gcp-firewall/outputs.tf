output "firewall_rule_names" {
  description = "Names of the firewall rules, IPv4 then IPv6."
  value       = concat(google_compute_firewall.agora_ncs_ipv4[*].name, google_compute_firewall.agora_ncs_ipv6[*].name)
}

output "fingerprint" {
  description = "sha256 of the Agora address set the rules were built from."
  value       = data.agora_ncs_ips.ncs.fingerprint
}

output "cidr_block_count" {
  description = "Number of IPv4 and IPv6 CIDR blocks allowed (after aggregation)."
  value = {
    ipv4 = length(data.agora_ncs_ips.ncs.cidr_blocks)
    ipv6 = length(data.agora_ncs_ips.ncs.ipv6_cidr_blocks)
  }
}
