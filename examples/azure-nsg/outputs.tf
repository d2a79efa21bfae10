output "security_rule_ids" {
  description = "IDs of the network security rules, IPv4 then IPv6."
  value       = concat(azurerm_network_security_rule.agora_ncs_ipv4[*].id, azurerm_network_security_rule.agora_ncs_ipv6[*].id)
}

output "priorities" {
  description = "Priorities the rules use, so you can keep them free of your own rules."
  value = {
    ipv4 = azurerm_network_security_rule.agora_ncs_ipv4[*].priority
    ipv6 = azurerm_network_security_rule.agora_ncs_ipv6[*].priority
  }
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
